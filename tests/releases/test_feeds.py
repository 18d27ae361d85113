"""Atom and RSS feeds parsed with feedparser, as a feed reader would."""

import feedparser
import pytest
from django.conf import settings

from releases.models import Release
from releases.services import release_publish
from tests.factories.community import FanFactory
from tests.factories.feedback import feedback_board, make_post
from tests.factories.releases import make_release

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_releases(pm):
    camera = feedback_board("camera", "Camera")
    battery = feedback_board("battery", "Battery")
    a = make_post(title="Camera app crashes on launch", board=camera)
    b = make_post(title="Battery drains overnight", board=battery)
    first = make_release(by=pm, themes=[a.theme], version="24.11.15")
    release_publish(release=first, by=pm)
    second = make_release(by=pm, themes=[b.theme], version="24.11.22", channel="beta")
    release_publish(release=second, by=pm)
    first.refresh_from_db()
    second.refresh_from_db()
    return first, second


def _parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return feedparser.parse(response.content)


@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_feed_lists_releases_newest_first_with_titles_links_ids_dates(
    client, two_releases, kind
):
    feed = _parse(client, f"/changelog/feed/{kind}/")
    assert not feed.bozo
    assert feed.feed.title == "Fanloop changelog"
    titles = [e.title for e in feed.entries]
    assert titles == ["Release 24.11.22 (Beta)", "Release 24.11.15 (Stable)"]
    site = settings.FANLOOP_SITE_URL.rstrip("/")
    links = [e.link for e in feed.entries]
    assert links == [
        f"{site}/changelog/24-11-22/",
        f"{site}/changelog/24-11-15/",
    ]
    first, second = two_releases
    ids = [e.id for e in feed.entries]
    day = second.published_at.date().isoformat()
    assert ids[0] == f"tag:127.0.0.1,{day}:release/24.11.22"
    assert len(set(ids)) == 2
    published = feed.entries[0].published_parsed
    assert published[:3] == second.published_at.utctimetuple()[:3]
    assert "Battery drains overnight" in feed.entries[0].summary


def test_entry_ids_and_dates_are_stable_when_republished(client, two_releases, pm):
    before = _parse(client, "/changelog/feed/atom/")
    first, _second = two_releases
    release_publish(release=Release.objects.get(pk=first.pk), by=pm)
    after = _parse(client, "/changelog/feed/atom/")
    assert [e.id for e in after.entries] == [e.id for e in before.entries]
    assert [e.published for e in after.entries] == [e.published for e in before.entries]


@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_board_feed_holds_only_that_boards_releases(client, two_releases, kind):
    feed = _parse(client, f"/changelog/feed/camera/{kind}/")
    assert feed.feed.title == "Fanloop changelog: Camera"
    assert [e.title for e in feed.entries] == ["Release 24.11.15 (Stable)"]
    assert "Battery" not in feed.entries[0].summary


def test_unknown_board_feed_is_404(client, db):
    assert client.get("/changelog/feed/nope/atom/").status_code == 404


def test_changelog_index_filters_by_channel_and_paginates(client, two_releases, pm):
    html = client.get("/changelog/?channel=beta").content.decode()
    assert "24.11.22" in html and "24.11.15" not in html
    for n in range(10):
        post = make_post(
            title=f"Widget {n} flickers on home screen", author=FanFactory()
        )
        release_publish(
            release=make_release(by=pm, themes=[post.theme], version=f"24.12.{n}"),
            by=pm,
        )
    page_two = client.get("/changelog/?page=2").content.decode()
    assert "24.11.15" in page_two and "24.12.9" not in page_two
