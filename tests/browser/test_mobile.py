"""Pages on a phone's screen: nothing wider than the screen, tables as labelled rows."""

import pytest

from tests.factories.community import PASSWORD
from tests.factories.feedback import make_post

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def _login(page, username):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()


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
    _login(page, "pm")
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
