"""Atom and RSS feeds of published changelogs, all boards or one board.

Built on Django's syndication framework. Each entry's id is a tag URI made of the
site's host, the release's first publication date and its version, so it never
changes when an editor rewords the page or the site moves to another path.
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.models import Board
from releases.models import ReleaseItem
from releases.selectors import changelog_feed_pages


def _absolute(path: str) -> str:
    """Links use the configured site address, like emails, not the request's host:
    a feed reader keeps them, so they must not depend on how it was fetched."""
    return settings.FANLOOP_SITE_URL.rstrip("/") + path


class ChangelogRssFeed(Feed):
    feed_type = Rss201rev2Feed
    description = gettext_lazy("Every weekly release and the fans it thanks.")

    def get_object(self, request, board: str = ""):
        if board:
            return get_object_or_404(Board, slug=board)
        return None

    def title(self, obj):
        if obj is None:
            return _("Fanloop changelog")
        return _("Fanloop changelog: %(board)s") % {"board": obj.name}

    def link(self, obj):
        return _absolute("/changelog/")

    def items(self, obj):
        pages = changelog_feed_pages(board=obj.slug if obj else "")
        items = ReleaseItem.objects.filter(
            release_id__in=[p.release_id for p in pages]
        ).select_related("theme")
        if obj is not None:
            items = items.filter(theme__board=obj)
        by_release = defaultdict(list)
        for item in items.order_by("position", "pk"):
            by_release[item.release_id].append(item)
        for page in pages:
            page.feed_items = by_release[page.release_id]
        return pages

    def item_title(self, page):
        release = page.release
        return f"{page.title} ({release.get_channel_display()})"

    def item_link(self, page):
        return _absolute(page.url or f"/changelog/{page.slug}/")

    def item_guid(self, page):
        host = urlsplit(settings.FANLOOP_SITE_URL).hostname or "localhost"
        day = page.release.published_at.date().isoformat()
        return f"tag:{host},{day}:release/{page.release.version}"

    item_guid_is_permalink = False

    def item_pubdate(self, page):
        return page.release.published_at

    def item_updateddate(self, page):
        return page.last_published_at or page.release.published_at

    def item_description(self, page):
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><strong>{}</strong>: {} ({} fans)</li>",
                (
                    (item.get_kind_display(), item.summary, item.fan_count)
                    for item in page.feed_items
                ),
            ),
        )


class ChangelogAtomFeed(ChangelogRssFeed):
    feed_type = Atom1Feed
    subtitle = ChangelogRssFeed.description
