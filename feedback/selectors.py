"""Read queries of the feedback app."""

from __future__ import annotations

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from community.models import Fan, Thread
from community.selectors import can_moderate
from feedback.models import (
    BacklogEntry,
    PainPoint,
    Theme,
    ThemeEvent,
    Vote,
    WeeklyBacklog,
)
from feedback.scoring import score_theme
from feedback.services.counters import theme_fan_ids


def attach_painpoints(threads: list[Thread], *, viewer) -> None:
    """Give each thread of a list its pain point (or None) and the viewer's vote."""
    ids = [t.pk for t in threads]
    if not ids:
        return
    posts = {
        p.pk: p
        for p in PainPoint.objects.filter(pk__in=ids).only(
            "thread_id", "kind", "vote_count", "theme_id", "severity"
        )
    }
    voted = set()
    if viewer.is_authenticated:
        voted = set(
            Vote.objects.filter(fan=viewer, post_id__in=ids).values_list(
                "post_id", flat=True
            )
        )
    for thread in threads:
        thread.pp = posts.get(thread.pk)
        thread.voted = thread.pk in voted


# How long a board's lists of devices and versions (its filter choices) are kept.
BOARD_FACETS_TTL = 300
BOARD_FACETS_SHOWN = 40


def board_facets(*, board) -> dict[str, list[str]]:
    """The devices and versions a board's visible pain points name, most posted
    first (at most ``BOARD_FACETS_SHOWN`` of each): the choices of its filters.
    Cached for a few minutes: two grouped queries over the board's posts."""
    key = f"board-facets:{board.pk}"
    facets = cache.get(key)
    if facets is None:
        posts = PainPoint.objects.filter(thread__board=board, thread__is_hidden=False)
        facets = {
            field: list(
                posts.exclude(**{field: ""})
                .values_list(field, flat=True)
                .annotate(n=Count("pk"))
                .order_by("-n", field)[:BOARD_FACETS_SHOWN]
            )
            for field in ("device_model", "os_version")
        }
        cache.set(key, facets, BOARD_FACETS_TTL)
    return facets


def painpoint_filter(
    *,
    kind: str | None = None,
    device: str | None = None,
    version: str | None = None,
    reproducibility: str | None = None,
    severity: int | None = None,
) -> Q | None:
    """The board page's filters on the pain-point fields, for ``thread_page``:
    severity means "at least"; empty ones are left out."""
    q = Q()
    if kind:
        q &= Q(painpoint__kind=kind)
    if device:
        q &= Q(painpoint__device_model=device)
    if version:
        q &= Q(painpoint__os_version=version)
    if reproducibility:
        q &= Q(painpoint__reproducibility=reproducibility)
    if severity:
        q &= Q(painpoint__severity__gte=severity)
    return q or None


def painpoint_for_thread(*, thread: Thread, viewer) -> PainPoint | None:
    post = (
        PainPoint.objects.select_related("theme")
        .prefetch_related("attachments")
        .filter(pk=thread.pk)
        .first()
    )
    if post is not None:
        post.voted = bool(
            viewer.is_authenticated
            and Vote.objects.filter(fan=viewer, post=post).exists()
        )
    return post


def painpoint_get(*, pk: int, viewer) -> PainPoint:
    qs = PainPoint.objects.select_related("thread", "thread__board", "thread__author")
    if not can_moderate(viewer):
        qs = qs.filter(thread__is_hidden=False)
    return get_object_or_404(qs, pk=pk)


def painpoint_list(
    *,
    viewer,
    board: str | None = None,
    theme: int | None = None,
    kind: str | None = None,
    q: str | None = None,
) -> QuerySet[PainPoint]:
    qs = PainPoint.objects.select_related("thread", "thread__board", "thread__author")
    if not can_moderate(viewer):
        qs = qs.filter(thread__is_hidden=False)
    if board:
        qs = qs.filter(thread__board__slug=board)
    if theme:
        qs = qs.filter(theme_id=theme)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(thread__title__icontains=q) | Q(thread__body__icontains=q))
    return qs.order_by("-created_at", "-thread_id")


def fan_open_painpoints(*, fan) -> QuerySet[PainPoint]:
    """A fan's visible pain points whose theme is still open, newest first."""
    closed = [Theme.Status.SHIPPED, Theme.Status.WONT_FIX, Theme.Status.DUPLICATE]
    return (
        PainPoint.objects.filter(thread__author=fan, thread__is_hidden=False)
        .exclude(theme__status__in=closed)
        .select_related("thread", "theme")
        .order_by("-created_at")
    )


# How a theme list may be ordered (the theme list page, GET /api/v1/themes).
THEME_ORDERINGS = (
    "-score",
    "score",
    "-fan_count",
    "-vote_count",
    "-last_activity_at",
    "-created_at",
    "title",
)


def theme_list(
    *, status: str | None = None, board: str | None = None, ordering: str = "-score"
) -> QuerySet[Theme]:
    qs = Theme.objects.filter(merged_into__isnull=True, post_count__gt=0)
    if status:
        qs = qs.filter(status=status)
    if board:
        qs = qs.filter(board__slug=board)
    return qs.select_related("board").order_by(
        ordering if ordering in THEME_ORDERINGS else "-score", "-id"
    )


def theme_page(**kwargs) -> Page:
    page = kwargs.pop("page", 1)
    return Paginator(theme_list(**kwargs), 30).get_page(page)


def theme_get(*, pk: int) -> Theme:
    return get_object_or_404(
        Theme.objects.select_related("board", "merged_into"), pk=pk
    )


# The theme page names at most this many fans (the count above it is exact).
FANS_SHOWN = 200


def theme_detail(*, theme: Theme, viewer) -> dict:
    """What the theme page shows besides its posts, in a fixed number of queries
    (the posts, devices and versions: ``services.themes.theme_posts``)."""
    fans = list(
        Fan.objects.filter(pk__in=theme_fan_ids(theme_id=theme.pk))
        .only("id", "username", "display_name")
        .order_by("username")[:FANS_SHOWN]
    )
    events = []
    if viewer.is_authenticated and viewer.is_pm:
        events = list(theme.events.select_related("actor")[:50])
    return {
        "fans": fans,
        "more_fans": max(0, theme.fan_count - len(fans)),
        "score": score_theme(theme),
        "events": events,
        "merged": list(Theme.objects.filter(merged_into=theme).only("id", "title")),
    }


def triage_rows(
    *,
    board: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    tag: str | None = None,
    device: str | None = None,
    version: str | None = None,
    text: str | None = None,
    sort: str = "rank",
    include_closed: bool = False,
    ids: list[int] | None = None,
) -> tuple[list[Theme], WeeklyBacklog | None]:
    """Open themes for the triage screen, with last backlog rank and movement.

    Three queries whatever the number of themes: the latest backlog, the themes,
    and that backlog's entries for them.
    """
    backlog = WeeklyBacklog.objects.order_by("-cutoff").first()
    qs = Theme.objects.filter(merged_into__isnull=True, post_count__gt=0)
    if not include_closed and not status:
        # Closed themes leave the screen, except shipped ones that fans rated as
        # not fixed: those come back flagged for reopening.
        closed = [Theme.Status.SHIPPED, Theme.Status.WONT_FIX, Theme.Status.DUPLICATE]
        qs = qs.filter(~Q(status__in=closed) | Q(reopen_suggested=True))
    if status:
        qs = qs.filter(status=status)
    if board:
        qs = qs.filter(board__slug=board)
    if ids is not None:  # the site search's matches for the text box
        qs = qs.filter(pk__in=ids)
    post_filter = Q()
    if kind:
        post_filter &= Q(posts__kind=kind)
    if tag:
        post_filter &= Q(posts__thread__tags__slug=tag)
    if device:
        post_filter &= Q(posts__device_model__icontains=device)
    if version:
        post_filter &= Q(posts__os_version__icontains=version)
    if text:
        post_filter &= Q(title__icontains=text) | Q(
            posts__thread__title__icontains=text
        )
    if post_filter:
        qs = qs.filter(post_filter).distinct()
    orderings = {
        "score": ["-score"],
        "fans": ["-fan_count"],
        "votes": ["-vote_count"],
        "newest": ["-created_at"],
        "activity": ["-last_activity_at"],
        "title": ["title"],
        "rank": ["-score"],
    }
    themes = list(
        qs.select_related("board").order_by(*orderings.get(sort, ["-score"]), "-id")[
            :500
        ]
    )
    entries = {}
    if backlog is not None:
        entries = {
            e.theme_id: e
            for e in BacklogEntry.objects.filter(
                backlog=backlog, theme_id__in=[t.pk for t in themes]
            ).only("theme_id", "rank", "previous_rank", "breakdown")
        }
    for theme in themes:
        theme.entry = entries.get(theme.pk)
    if sort == "rank" and backlog is not None:
        themes.sort(key=lambda t: (t.entry is None, t.entry.rank if t.entry else 0))
    return themes, backlog


def backlog_get(*, week: str) -> WeeklyBacklog:
    return get_object_or_404(WeeklyBacklog, week=week)


def backlog_entries(*, backlog: WeeklyBacklog) -> QuerySet[BacklogEntry]:
    return backlog.entries.select_related("theme").order_by("rank")


def roadmap(*, board: str | None = None, now=None) -> dict[str, list[Theme]]:
    from datetime import timedelta

    from django.utils import timezone

    now = now or timezone.now()
    qs = Theme.objects.filter(merged_into__isnull=True).select_related("board")
    if board:
        qs = qs.filter(board__slug=board)
    shipped_since = now - timedelta(weeks=4)
    shipped_ids = ThemeEvent.objects.filter(
        action=ThemeEvent.Action.STATUS,
        after__status=Theme.Status.SHIPPED,
        created_at__gte=shipped_since,
    ).values("theme_id")
    return {
        "planned": list(qs.filter(status=Theme.Status.PLANNED).order_by("-score")[:50]),
        "in_progress": list(
            qs.filter(status=Theme.Status.IN_PROGRESS).order_by("-score")[:50]
        ),
        "shipped": list(
            qs.filter(status=Theme.Status.SHIPPED, pk__in=shipped_ids).order_by(
                "-last_activity_at"
            )[:50]
        ),
    }
