"""The loop closes: a PM publishes a release, a credited fan finds their name on
the changelog, rates the change, and sees their reputation go up."""

from playwright.sync_api import expect

from community.models import Notification
from community.services.fans import role_grant
from feedback.services.triage import theme_plan
from feedback.services.votes import vote_cast
from releases.models import ItemRating
from tests.browser.live import BrowserLiveTestCase
from tests.factories.community import FanFactory
from tests.factories.feedback import feedback_board, make_post


class TestReleaseThanksTheFans(BrowserLiveTestCase):
    def test_pm_publishes_and_credited_fan_rates_and_gains_reputation(self):
        board = feedback_board()
        pm = FanFactory(username="pm")
        role_grant(fan=pm, role="pm")
        carol = FanFactory(username="carol", display_name="Carol Chen")
        post = make_post(
            title="Camera app crashes in night mode", board=board, author=carol
        )
        vote_cast(fan=FanFactory(username="dave"), post=post)
        theme_plan(theme=post.theme, version="24.11.22", by=pm)

        fan = self.new_page()
        self.login(fan, "carol")
        fan.goto("/u/carol/")
        expect(fan.locator("[data-reputation]")).to_have_text("0")

        pm_page = self.new_page()
        self.login(pm_page, "pm")
        pm_page.goto("/triage/")
        pm_page.click("#release-planning")
        pm_page.fill("input[name=version]", "24.11.22")
        row = pm_page.locator(f'tr[data-theme="{post.theme_id}"]')
        row.locator("input[name=themes]").check()
        row.locator(f"input[name=en_{post.theme_id}]").fill(
            "The camera no longer crashes in night mode"
        )
        pm_page.click("#release-form button.button")
        pm_page.click("#publish")
        expect(pm_page.locator("[data-release-status]")).to_have_text("Published")

        fan.reload()
        assert int(fan.locator("[data-reputation]").inner_text()) > 0  # credited
        fan.goto("/")
        fan.click("a.notif")
        expect(fan.locator(".notifications")).to_contain_text("Fixed for you?")
        fan.goto("/changelog/")
        fan.click("text=Release 24.11.22")
        item = fan.locator("article.release-item")
        expect(item).to_contain_text("The camera no longer crashes in night mode")
        expect(item.locator('[data-credit="carol"]')).to_have_text("Carol Chen")
        expect(item).to_contain_text("and 1 fan who voted")
        item.locator("button[value=good]").click()
        expect(item.locator('[data-count="good"]')).to_have_text("1")
        expect(item.locator("button[value=good]")).to_have_attribute(
            "aria-pressed", "true"
        )
        assert ItemRating.objects.get().value == "good"

        fan.goto("/u/carol/fixes/")
        expect(fan.locator("#fixes")).to_contain_text("First reporter")
        expect(fan.locator("[data-reputation]")).not_to_have_text("0")
        assert Notification.objects.filter(recipient__username="dave").exists()
