"""The main pages pass axe-core's WCAG 2 A and AA rules, for a fan and a PM,
on a phone's screen (axe-core as bundled by axe-playwright-python)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from feedback.services import votes
from tests.browser.live import login
from tests.factories.community import FanFactory, make_reply
from tests.factories.feedback import make_post

pytestmark = pytest.mark.django_db(transaction=True)

RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}}


def _violations(page, axe, urls) -> list[str]:
    found = []
    for url in urls:
        page.goto(url)
        for violation in axe.run(page, options=RULES).response["violations"]:
            targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
            found.append(f"{url}: {violation['id']} ({violation['help']}) {targets}")
    return found


def test_fan_and_pm_pages_have_no_wcag_violations(page, fan, pm):
    post = make_post(
        title="Camera app crashes when I switch to night mode",
        body="It **always** crashes. See [the log](https://example.com/log).",
        author=fan,
        device_model="Xiaomi 14",
        os_version="OS 2.0.12",
    )
    make_post(title="The camera crashes every time night mode is on")
    make_reply(thread=post.thread, author=FanFactory(), body="Same on *Mi 14*.")
    votes.vote_cast(fan=pm, post=post)
    page.set_viewport_size({"width": 390, "height": 844})
    axe = Axe()

    anonymous = ["/", "/b/camera/", f"/t/{post.pk}/", "/themes/", "/accounts/login/"]
    assert _violations(page, axe, anonymous + ["/no/such/page/"]) == []

    login(page, fan.username)
    mine = ["/b/camera/new/", f"/t/{post.pk}/edit/", f"/t/{post.pk}/history/"]
    mine += ["/notifications/", "/settings/"]
    assert (
        _violations(page, axe, mine + [f"/u/{fan.username}/", "/search/?q=camera"])
        == []
    )

    page.context.clear_cookies()
    login(page, "pm")
    pm_pages = [post.theme.get_absolute_url(), "/triage/", "/roadmap/"]
    assert _violations(page, axe, pm_pages + [f"/t/{post.pk}/edit/"]) == []
