"""Reads of the releases app, each in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from community.models import Fan
from feedback.models import Theme
from releases.models import (
    ChangelogPage,
    Credit,
    ItemRating,
    Release,
    ReleaseItem,
)

NAMED_ROLES = [Credit.Role.FIRST_REPORTER, Credit.Role.REPORTER]
KIND_ORDER = [
    ReleaseItem.Kind.FIX,
    ReleaseItem.Kind.FEATURE,
    ReleaseItem.Kind.IMPROVEMENT,
]


def release_list(*, channel: str = "", published_only: bool = True):
    qs = Release.objects.select_related("page").order_by("-published_at", "-created_at")
    if published_only:
        qs = qs.filter(status=Release.Status.PUBLISHED)
    if channel:
        qs = qs.filter(channel=channel)
    return qs


def release_get(*, version: str, viewer=None) -> Release:
    """A release by version; drafts only for PMs (others get a 404)."""
    qs = Release.objects.select_related("page")
    if not (viewer is not None and viewer.is_authenticated and viewer.is_pm):
        qs = qs.filter(status=Release.Status.PUBLISHED)
    return get_object_or_404(qs, version=version)


def release_items(*, release: Release) -> list[ReleaseItem]:
    return list(release.items.select_related("theme").order_by("position", "pk"))


def credit_names(credits) -> list[dict]:
    """Public names of credited fans: opted-out fans appear as "a fan", unlinked."""
    out = []
    for credit in credits:
        fan = credit.fan
        hidden = fan.credit_opt_out
        out.append(
            {
                "name": _("a fan") if hidden else fan.public_name,
                "url": "" if hidden else fan.get_absolute_url(),
                "username": None if hidden else fan.username,
                "role": credit.role,
                "role_label": credit.get_role_display(),
            }
        )
    return out


def item_credits(*, items: list[ReleaseItem]) -> dict[int, list[dict]]:
    """Named credits (first reporter first) of several items in one query."""
    credits = (
        Credit.objects.filter(item__in=items, role__in=NAMED_ROLES)
        .select_related("fan")
        .only(
            "item_id",
            "role",
            "fan__username",
            "fan__display_name",
            "fan__credit_opt_out",
        )
        .order_by("item_id", "role", "created_at", "pk")
    )
    grouped: dict[int, list] = defaultdict(list)
    for credit in credits:
        grouped[credit.item_id].append(credit)
    return {item_id: credit_names(rows) for item_id, rows in grouped.items()}


def changelog_sections(*, page: ChangelogPage, viewer) -> dict:
    """The page's items grouped by kind, in the order the editor left them, with
    credits, fan counts, rating distribution and the viewer's own ratings."""
    items = {item.pk: item for item in release_items(release=page.release)}
    credits = item_credits(items=list(items.values()))
    mine = {}
    if viewer.is_authenticated:
        mine = dict(
            ItemRating.objects.filter(fan=viewer, item_id__in=items).values_list(
                "item_id", "value"
            )
        )
    groups: dict[str, list[dict]] = defaultdict(list)
    for block in page.body:
        item = items.get(block.value["item"])
        if item is None:
            continue
        groups[block.value["kind"]].append(
            {
                "item": item,
                "block": block.value,
                "credits": credits.get(item.pk, []),
                "my_rating": mine.get(item.pk, ""),
            }
        )
    labels = dict(ReleaseItem.Kind.choices)
    return {
        "sections": [
            {"kind": kind, "label": labels[kind], "entries": groups[kind]}
            for kind in KIND_ORDER
            if groups.get(kind)
        ],
        "rating_choices": ItemRating.Value.choices,
    }


def changelog_list(*, index, channel: str = "", page=1) -> PaginatorPage:
    qs = (
        ChangelogPage.objects.live()
        .child_of(index)
        .select_related("release")
        .order_by("-release__published_at", "-pk")
    )
    if channel:
        qs = qs.filter(release__channel=channel)
    return Paginator(qs, settings.FANLOOP_CHANGELOGS_PER_PAGE).get_page(page)


def changelog_feed_pages(*, board: str = "", limit: int = 30) -> list[ChangelogPage]:
    qs = ChangelogPage.objects.live().select_related("release")
    if board:
        qs = qs.filter(release__items__theme__board__slug=board).distinct()
    return list(qs.order_by("-release__published_at", "-pk")[:limit])


def fan_credits(*, fan: Fan) -> QuerySet[Credit]:
    """Every published release item a fan was credited for, newest first."""
    return (
        Credit.objects.filter(fan=fan, item__release__status=Release.Status.PUBLISHED)
        .select_related("item", "item__release", "item__release__page", "item__theme")
        .order_by("-item__release__published_at", "item__position")
    )


def planning_candidates(*, version: str = "") -> list[Theme]:
    """Themes a PM would put in a release: planned or in progress, those planned
    for ``version`` first, then by score."""
    qs = Theme.objects.filter(
        merged_into__isnull=True,
        status__in=[Theme.Status.PLANNED, Theme.Status.IN_PROGRESS],
    ).select_related("board")
    themes = list(qs.order_by("-score", "-pk")[:200])
    themes.sort(key=lambda t: (t.target_version != version, -t.score))
    return themes


def item_get(*, item_id: int, version: str | None = None) -> ReleaseItem:
    qs = ReleaseItem.objects.select_related("release", "release__page", "theme")
    if version is not None:
        qs = qs.filter(release__version=version)
    return get_object_or_404(qs, pk=item_id)


def item_comments(*, release: Release, limit: int = 100):
    return (
        ItemRating.objects.filter(item__release=release)
        .exclude(comment="")
        .select_related("fan", "item")
        .order_by("-updated_at")[:limit]
    )
