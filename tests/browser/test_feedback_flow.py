"""Feedback flows in a real browser against a live daphne server (HTTP + WebSocket)."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from feedback.models import PainPoint, Theme
from feedback.services import votes
from feedback.services.backlog import backlog_build
from feedback.week import last_closed_week
from tests.browser.live import BrowserLiveTestCase
from tests.factories.community import FanFactory
from tests.factories.feedback import feedback_board, make_post


class TestSimilarPostsAndLiveCounts(BrowserLiveTestCase):
    def test_fan_finds_similar_post_votes_and_count_rises_elsewhere(self):
        board = feedback_board()
        alice = FanFactory(username="alice")
        FanFactory(username="bob")
        post = make_post(
            title="Camera app crashes when I switch to night mode",
            body="Every time I switch to night mode the camera closes.",
            author=alice,
            board=board,
        )
        same = make_post(
            title="The camera crashes every time night mode is turned on",
            board=board,
        )
        assert same.theme_id == post.theme_id
        watcher = self.new_page()
        watcher.goto(f"/themes/{post.theme_id}/")
        fans = watcher.locator("[data-theme-fans]")
        expect(fans).to_have_text("2")
        expect(watcher.locator("body")).to_have_attribute("data-live", "on")

        page = self.new_page()
        self.login(page, "bob")
        page.goto("/b/camera/new/")
        page.fill("input[name=title]", "Night mode makes the camera crash")
        suggestions = page.locator("#similar-list li")
        # One entry for the theme, not one per near-identical post.
        expect(suggestions).to_have_count(1)
        expect(suggestions.first).to_contain_text("(2 posts)")
        voted = suggestions.first.locator("a[data-title]").get_attribute("href")
        suggestions.first.locator("button").click()
        expect(suggestions.first.locator("button")).to_have_class(re.compile("on"))

        expect(fans).to_have_text("3")  # pushed over the WebSocket, no reload
        voted_post = post if voted == f"/t/{post.thread_id}/" else same
        assert PainPoint.objects.get(pk=voted_post.pk).vote_count == 1

        # Coming back, the fan sees the voice already added.
        page.goto("/b/camera/new/")
        page.fill("input[name=title]", "Night mode makes the camera crash")
        expect(suggestions.first.locator("button")).to_be_disabled()


class TestTriageClosesTheLoop(BrowserLiveTestCase):
    def test_pm_filters_plans_ships_and_voter_sees_badge(self):
        from community.services.fans import role_grant

        board = feedback_board()
        pm = FanFactory(username="pm")
        role_grant(fan=pm, role="pm")
        voter = FanFactory(username="voter")
        camera = make_post(title="Camera app crashes in night mode", board=board)
        make_post(title="Battery drains overnight while idle", board=board)
        make_post(
            title="Please add a dark theme to the gallery",
            board=board,
            kind="suggestion",
        )
        votes.vote_cast(fan=voter, post=camera)
        old = timezone.now() - timedelta(days=10)
        PainPoint.objects.update(created_at=old)
        backlog_build(week=last_closed_week())

        page = self.new_page()
        self.login(page, "pm")
        page.goto("/triage/")
        page.select_option("#triage-filters select[name=kind]", "bug")
        page.click("#triage-filters button")
        rows = page.locator("#triage-table tbody tr[data-theme]")
        expect(rows).to_have_count(2)
        expect(page.locator("#triage-table")).not_to_contain_text("dark theme")
        rows.nth(0).locator(".pick").check()
        rows.nth(1).locator(".pick").check()
        page.fill("#bulk-version", "24.11.29")
        page.click("button[data-bulk=plan]")
        expect(rows.nth(0).locator("[data-status]")).to_have_value("planned")
        expect(rows.nth(1).locator("[data-status]")).to_have_value("planned")
        camera_row = page.locator(f'tr[data-theme="{camera.theme_id}"]')
        camera_row.locator("[data-status]").select_option("shipped")
        expect(page.locator("#triage-message")).to_have_text("Saved.")
        assert Theme.objects.get(pk=camera.theme_id).status == "shipped"

        fan_page = self.new_page()
        self.login(fan_page, "voter")
        fan_page.goto("/")
        expect(fan_page.locator("[data-unread]")).to_have_text("2")
        fan_page.click("a.notif")
        expect(fan_page.locator(".notifications")).to_contain_text("Shipped")
