"""Search in a real browser: a fan types Traditional Chinese into the header box and
finds a post written in Simplified Chinese."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories.community import PASSWORD, BoardFactory, FanFactory, make_thread

pytestmark = pytest.mark.django_db(transaction=True)


def test_fan_searches_in_traditional_chinese_and_finds_simplified_post(page):
    board = BoardFactory(name="相机", slug="camera")
    fan = FanFactory(username="mei")
    # Committed (transactional test), so the post is indexed on commit.
    thread = make_thread(
        board=board,
        title="更新后夜景模式拍照闪退",
        body="每次打开夜景模式，相机就闪退，重启手机也没用。",
    )
    make_thread(board=board, title="电池续航变差", body="待机一晚掉电很多。")

    page.goto("/accounts/login/")
    page.fill("input[name=login]", fan.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login" not in url)

    box = page.locator("header input[name=q]")
    box.fill("夜景模式閃退")
    box.press("Enter")

    expect(page.locator("[data-total]")).to_contain_text("1 result")
    result = page.locator(".result").first
    expect(result).to_contain_text("更新后夜景模式拍照闪退")
    expect(result.locator("mark").first).to_be_visible()
    result.locator("a.thread-title").click()
    expect(page).to_have_url(re.compile(rf"/t/{thread.pk}/$"))


def test_unbalanced_query_in_the_browser_shows_results_not_an_error(page):
    make_thread(board=BoardFactory(slug="audio"), title="Speaker crackles")

    page.goto('/search/?q="speaker')

    expect(page.locator(".result")).to_contain_text("Speaker crackles")
