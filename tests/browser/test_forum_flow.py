"""Main fan flow in a real browser: sign up, post Markdown, reply, like, board."""

import re

import pytest
from playwright.sync_api import expect

from community.models import Thread
from tests.factories.community import PASSWORD, BoardFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_fan_signs_up_posts_replies_likes_and_sees_board(page):
    BoardFactory(name="Camera", slug="camera")
    page.goto("/accounts/signup/")
    page.fill("input[name=email]", "mia@example.com")
    page.fill("input[name=username]", "mia")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("form button[type=submit]")
    expect(page.locator("header")).to_contain_text("mia")

    page.goto("/b/camera/")
    page.click("text=New post")
    page.fill("input[name=title]", "Night mode crashes the camera")
    page.fill("textarea[name=body]", "It **always** crashes.\n\n- open camera\n- night")
    page.fill("input[name=tags]", "crash")
    page.click("#thread-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/t/\d+/$"))
    expect(page.locator("article strong")).to_have_text("always")
    expect(page.locator("article li")).to_have_count(2)

    page.fill("textarea[name=body]", "Same on *Mi 14*, since the last update.")
    page.click("#reply-form button[type=submit]")
    expect(page.locator(".reply em")).to_have_text("Mi 14")

    like = page.locator("article [data-like] button")
    like.click()
    expect(like.locator("[data-count]")).to_have_text("1")
    expect(like).to_have_attribute("aria-pressed", "true")
    thread = Thread.objects.get()
    assert thread.like_count == 1

    # She fixes her title and her reply; the page says they were edited.
    page.locator("article a[data-edit]").click()
    page.fill("input[name=title]", "Night mode crashes the camera on Mi 14")
    page.click("#thread-form button[type=submit]")
    expect(page.locator("article h1")).to_have_text(
        "Night mode crashes the camera on Mi 14"
    )
    expect(page.locator("article .meta").first).to_contain_text("edited")
    page.locator(".reply a[data-edit]").click()
    page.fill("textarea[name=body]", "Same on *Mi 14 Pro*, since the last update.")
    page.click("#reply-form button[type=submit]")
    expect(page.locator(".reply em")).to_have_text("Mi 14 Pro")
    expect(page.locator(".reply .meta")).to_contain_text("edited")

    page.goto("/b/camera/")
    row = page.locator(".thread-row", has_text="Night mode crashes the camera")
    expect(row).to_contain_text("💬 1")
    expect(row).to_contain_text("👍 1")


def test_rejected_post_keeps_the_text(page, fan, settings):
    settings.FANLOOP_RATE_POST = "1/m"
    BoardFactory(name="Battery", slug="battery")
    page.goto("/accounts/login/")
    page.fill("input[name=login]", fan.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.goto("/b/battery/new/")
    page.fill(
        "input[name=title]", "      "
    )  # passes the browser, refused by the server
    page.fill("textarea[name=body]", "Battery drains 20% overnight on standby.")
    page.click("#thread-form button[type=submit]")
    expect(page.locator(".field .error").first).to_be_visible()
    expect(page.locator("textarea[name=body]")).to_have_value(
        "Battery drains 20% overnight on standby."
    )
    assert not Thread.objects.exists()

    page.fill("input[name=title]", "Battery drain overnight")
    page.click("#thread-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/t/\d+/$"))
    page.goto("/b/battery/new/")
    page.fill("input[name=title]", "Second post too fast")
    page.fill("textarea[name=body]", "This text must survive the rate limit.")
    page.click("#thread-form button[type=submit]")
    expect(page.locator(".errors")).to_contain_text("faster than the forum allows")
    expect(page.locator("textarea[name=body]")).to_have_value(
        "This text must survive the rate limit."
    )
    assert Thread.objects.count() == 1
