"""Read queries of the community app; they own select/prefetch so lists stay flat."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from taggit.models import Tag

from community.models import (
    Board,
    Fan,
    FanBadge,
    Flag,
    Notification,
    Reply,
    ReplyLike,
    Thread,
    ThreadLike,
)

BOARD_SORTS = {
    "activity": ("-is_pinned", "-last_activity_at", "-id"),
    "newest": ("-is_pinned", "-created_at", "-id"),
    "liked": ("-is_pinned", "-like_count", "-id"),
}


def can_moderate(fan) -> bool:
    return bool(fan.is_authenticated and fan.is_moderator)


def board_list() -> list[Board]:
    return list(Board.objects.all())


def board_get(*, slug: str) -> Board:
    return get_object_or_404(Board, slug=slug)


def thread_page(
    *,
    board: Board,
    viewer,
    sort: str = "activity",
    tag: str | None = None,
    page: int | str = 1,
    extra_filter: Q | None = None,
) -> Page:
    """One page of a board's threads, visible to ``viewer``.

    ``extra_filter`` lets a higher app narrow the list (e.g. by pain-point kind)
    without this app knowing its models.
    """
    qs = Thread.objects.filter(board=board)
    if extra_filter is not None:
        qs = qs.filter(extra_filter)
    if not can_moderate(viewer):
        qs = qs.filter(is_hidden=False)
    if tag:
        qs = qs.filter(tags__slug=tag)
    qs = (
        qs.order_by(*BOARD_SORTS.get(sort, BOARD_SORTS["activity"]))
        .select_related("author")
        .only(
            "id",
            "title",
            "created_at",
            "last_activity_at",
            "reply_count",
            "like_count",
            "is_pinned",
            "is_locked",
            "is_hidden",
            "board_id",
            "author__id",
            "author__username",
            "author__display_name",
        )
    )
    paginator = Paginator(qs, settings.FANLOOP_THREADS_PER_PAGE)
    page_obj = paginator.get_page(page)
    _attach_tags(list(page_obj.object_list))
    return page_obj


def _attach_tags(threads: list[Thread]) -> None:
    """Fetch tags for a page of threads in one query."""
    if not threads:
        return
    by_id = {t.pk: t for t in threads}
    for t in threads:
        t.tag_list = []
    rows = Tag.objects.filter(
        taggit_taggeditem_items__content_type__model="thread",
        taggit_taggeditem_items__content_type__app_label="community",
        taggit_taggeditem_items__object_id__in=list(by_id),
    ).values_list("taggit_taggeditem_items__object_id", "name", "slug")
    for object_id, name, slug in rows:
        by_id[object_id].tag_list.append((name, slug))


def board_tags(*, board: Board, limit: int = 20) -> list[Tag]:
    """Tags of the board's 500 most recently active threads, cached until the board
    changes (its ``last_activity_at`` is part of the key)."""
    stamp = board.last_activity_at.timestamp() if board.last_activity_at else 0
    key = f"fanloop:board-tags:{board.pk}:{stamp}:{limit}"
    tags = cache.get(key)
    if tags is None:
        tags = _board_tags(board, limit)
        cache.set(key, tags, 600)
    return tags


def _board_tags(board: Board, limit: int) -> list[Tag]:
    return list(
        Tag.objects.filter(
            taggit_taggeditem_items__content_type__app_label="community",
            taggit_taggeditem_items__content_type__model="thread",
            taggit_taggeditem_items__object_id__in=Thread.objects.filter(
                board=board, is_hidden=False
            )
            .order_by("-is_pinned", "-last_activity_at", "-id")
            .values("id")[:500],
        )
        .distinct()
        .order_by("name")[:limit]
    )


def thread_get_for_fan(*, pk: int, viewer) -> Thread:
    qs = Thread.objects.select_related("board", "author")
    if not can_moderate(viewer):
        qs = qs.filter(is_hidden=False)
    thread = get_object_or_404(qs, pk=pk)
    _attach_tags([thread])
    thread.liked_by_viewer = bool(
        viewer.is_authenticated
        and ThreadLike.objects.filter(thread=thread, fan=viewer).exists()
    )
    return thread


def reply_page(*, thread: Thread, viewer, page: int | str = 1) -> Page:
    qs = Reply.objects.filter(thread=thread)
    if not can_moderate(viewer):
        qs = qs.filter(is_hidden=False)
    qs = qs.select_related("author").order_by("created_at", "id")
    page_obj = Paginator(qs, settings.FANLOOP_REPLIES_PER_PAGE).get_page(page)
    replies = list(page_obj.object_list)
    liked: set[int] = set()
    if viewer.is_authenticated and replies:
        liked = set(
            ReplyLike.objects.filter(
                fan=viewer, reply_id__in=[r.pk for r in replies]
            ).values_list("reply_id", flat=True)
        )
    for reply in replies:
        reply.liked_by_viewer = reply.pk in liked
    page_obj.object_list = replies
    return page_obj


def fan_get(*, username: str) -> Fan:
    return get_object_or_404(
        Fan.objects.prefetch_related(
            Prefetch(
                "fan_badges",
                queryset=FanBadge.objects.select_related("badge").order_by(
                    "awarded_at"
                ),
                to_attr="badge_rows",
            )
        ),
        username=username,
        is_active=True,
    )


def fan_threads(*, fan: Fan, viewer, page: int | str = 1) -> Page:
    qs = Thread.objects.filter(author=fan)
    if not can_moderate(viewer):
        qs = qs.filter(is_hidden=False)
    qs = (
        qs.select_related("board")
        .defer("body", "body_html")
        .order_by("-created_at", "-id")
    )
    return Paginator(qs, 20).get_page(page)


def flag_queue(*, page: int | str = 1) -> Page:
    qs: QuerySet[Flag] = (
        Flag.objects.filter(status=Flag.Status.OPEN)
        .select_related("reporter", "thread", "reply", "reply__thread")
        .order_by("created_at")
    )
    return Paginator(qs, 50).get_page(page)


def notification_page(*, fan: Fan, page: int | str = 1) -> Page:
    return Paginator(
        Notification.objects.filter(recipient=fan).order_by("-created_at", "-id"), 30
    ).get_page(page)


def unread_count(*, fan: Fan) -> int:
    return Notification.objects.filter(recipient=fan, read_at__isnull=True).count()
