"""The changelog pages in Wagtail: placement, draft/publish, revisions."""

import pytest
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from releases.models import ChangelogIndexPage, ChangelogPage
from releases.services import changelog_index_ensure, release_publish
from tests.factories.community import FanFactory
from tests.factories.releases import make_release, theme_with_posts


def _published(pm, version="24.11.22"):
    fans = [FanFactory(), FanFactory()]
    theme, _posts = theme_with_posts(*fans)
    release = make_release(by=pm, themes=[theme], version=version)
    return release_publish(release=release, by=pm), release


@pytest.mark.django_db
def test_publishing_creates_a_live_page_under_the_changelog_index(pm, client):
    page, release = _published(pm)
    index = ChangelogIndexPage.objects.get()
    assert page.get_parent().specific == index
    assert page.live and page.url == "/changelog/24-11-22/"
    assert index.url == "/changelog/"
    assert client.get("/changelog/").status_code == 200
    assert release.version in client.get("/changelog/").content.decode()
    assert page.revisions.count() == 1


@pytest.mark.django_db
def test_republishing_keeps_one_page_and_one_block_per_item(pm):
    page, release = _published(pm)
    again = release_publish(release=release, by=pm)
    assert again.pk == page.pk
    assert ChangelogPage.objects.count() == 1
    again.refresh_from_db()
    assert len(again.body) == 1
    assert again.revisions.count() == 2


@pytest.mark.django_db
def test_editor_draft_is_not_live_until_published_and_revisions_are_kept(
    pm, editor, client, django_capture_on_commit_callbacks
):
    page, _release = _published(pm)
    page.intro = "<p>Draft wording for the editor</p>"
    draft = page.save_revision(user=editor)
    assert "Draft wording" not in client.get(page.url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        draft.publish(user=editor)  # the cached copy goes once this commits
    assert "Draft wording" in client.get(page.url).content.decode()
    assert page.revisions.count() == 2
    # The first revision can still be restored.
    first = page.revisions.order_by("created_at").first().as_object()
    assert "Draft wording" not in first.intro


@pytest.mark.django_db
def test_editor_can_open_the_page_in_the_wagtail_admin_and_preview(pm, editor, client):
    page, _release = _published(pm)
    client.force_login(editor)
    edit = client.get(f"/cms/pages/{page.pk}/edit/")
    assert edit.status_code == 200
    preview = client.get(f"/cms/pages/{page.pk}/edit/preview/")
    assert preview.status_code in {200, 302}


@pytest.mark.django_db
def test_index_is_recreated_if_missing():
    ChangelogIndexPage.objects.get().delete()
    index = changelog_index_ensure()
    assert index.url == "/changelog/"
    assert Page.objects.filter(pk=index.pk).exists()


@pytest.mark.django_db
def test_index_is_created_on_an_empty_page_tree():
    """What a flushed database (live-server tests) or a bare install looks like."""
    from wagtail.models import Locale, Site

    Site.objects.all().delete()
    Page.objects.all().delete()
    Locale.objects.all().delete()
    index = changelog_index_ensure()
    assert index.url == "/changelog/"
    assert Page.objects.filter(pk=index.pk).exists()


class ChangelogPageTreeTests(WagtailPageTestCase):
    def test_changelog_pages_only_live_under_the_index(self):
        self.assertAllowedParentPageTypes(ChangelogPage, {ChangelogIndexPage})
        self.assertAllowedSubpageTypes(ChangelogIndexPage, {ChangelogPage})
        # Created by publishing a release, never by hand in the admin.
        self.assertFalse(ChangelogPage.is_creatable)

    def test_a_published_page_renders(self):
        from community.services.fans import role_grant

        pm = FanFactory(username="pm")
        role_grant(fan=pm, role="pm")
        page, _release = _published(pm)
        self.assertPageIsRenderable(page)
