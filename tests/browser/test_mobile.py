"""Pages on a phone's screen: nothing wider than the screen, tables as labelled rows."""

import pytest
from playwright.sync_api import expect

from tests.browser.live import login
from tests.factories.feedback import make_post

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def _overflow(page) -> int:
    """How many pixels the page is wider than the screen (0: none)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_pages_fit_a_phone_and_tables_label_their_cells(page, pm):
    post = make_post(
        title="Camera app crashes when I switch to night mode",
        device_model="Xiaomi 14",
        os_version="OS 2.0.12",
    )
    make_post(title="The camera crashes every time night mode is on")
    theme = post.theme
    page.set_viewport_size(PHONE)
    login(page, "pm")
    for url in (
        "/",
        "/b/camera/",
        f"/t/{post.pk}/",
        "/b/camera/new/",
        "/themes/",
        theme.get_absolute_url(),
        "/triage/",
        "/roadmap/",
    ):
        page.goto(url)
        assert _overflow(page) <= 0, url

    page.goto(theme.get_absolute_url())
    row = page.locator("tr", has_text="Camera app crashes when I switch")
    cell = row.locator("td[data-label]").first
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert "Similarity" in label
    title = row.locator("td.main").bounding_box()
    value = cell.bounding_box()
    assert title["y"] + title["height"] <= value["y"] + 1  # the title on its own line
    # On a wide screen the same table keeps its header and columns.
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator("table thead").first.is_visible()
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert "Similarity" not in label


def test_suggestions_stay_in_sight_while_a_fan_types_on_a_phone(page, fan):
    """Below the long form they would be out of sight: on a phone they dock at
    the bottom of the screen, and the fan can hide them."""
    post = make_post(title="Camera app crashes when I switch to night mode")
    page.set_viewport_size(PHONE)
    login(page, fan.username)
    page.goto("/b/camera/new/")
    page.click("input[name=title]")
    page.keyboard.type("Camera crashes in night mode", delay=20)
    box = page.locator("#similar")
    expect(box.locator("#similar-list li").first).to_contain_text(post.thread.title)
    top = box.bounding_box()["y"]
    assert top < PHONE["height"], top  # on screen, not below the form
    assert "%" not in box.locator("[data-meta]").first.inner_text()
    box.locator("[data-dismiss]").click()
    expect(box).to_be_hidden()
    page.keyboard.type(" again", delay=20)  # same suggestions: stays hidden
    page.wait_for_timeout(800)
    expect(box).to_be_hidden()
