import pytest

from releases.services import release_publish
from tests.factories.community import FanFactory
from tests.factories.releases import make_release, theme_with_posts

pytestmark = pytest.mark.django_db


def test_published_changelog_is_found_by_site_search(
    client, pm, django_capture_on_commit_callbacks
):
    theme, _posts = theme_with_posts(
        FanFactory(), title="Gallery thumbnails vanish after rotating"
    )
    with django_capture_on_commit_callbacks(execute=True):
        release = make_release(by=pm, themes=[theme])
        page = release_publish(release=release, by=pm)

    html = client.get("/search/", {"q": "thumbnails"}).content.decode()

    assert f'href="{page.url}"' in html
