"""Threads, replies, likes: every write a fan makes in the forum."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import (
    Board,
    Fan,
    Reply,
    ReplyLike,
    Thread,
    ThreadLike,
    ThreadRevision,
)
from community.pagecache import board_touch
from community.services.notifications import notify
from community.text import render_markdown


def _clean_tags(tags: Iterable[str]) -> list[str]:
    cleaned = []
    for tag in tags:
        tag = tag.strip().lower()[:40]
        if tag and tag not in cleaned:
            cleaned.append(tag)
    return cleaned[:8]


# No savepoint inside a caller's transaction (painpoint_create): an error here
# undoes the caller's writes too, and two round trips less on PostgreSQL.
@transaction.atomic(savepoint=False)
def thread_create(
    *,
    author: Fan,
    board: Board,
    title: str,
    body: str,
    tags: Iterable[str] = (),
) -> Thread:
    title = title.strip()
    if not title or not body.strip():
        raise ValidationError(_("A thread needs a title and a body."))
    now = timezone.now()
    thread = Thread.objects.create(
        board=board,
        author=author,
        title=title,
        body=body,
        body_html=render_markdown(body),
        created_at=now,
        last_activity_at=now,
    )
    tag_list = _clean_tags(tags)
    if tag_list:
        thread.tags.set(tag_list)
    Board.objects.filter(pk=board.pk).update(
        thread_count=F("thread_count") + 1, last_activity_at=now
    )
    Fan.objects.filter(pk=author.pk).update(thread_count=F("thread_count") + 1)
    board_touch(board.pk)
    return thread


def thread_can_edit(*, thread: Thread, fan) -> bool:
    """Its author may edit a thread while it is open and visible; a moderator
    always may."""
    if not fan.is_authenticated:
        return False
    if fan.is_moderator:
        return True
    return thread.author_id == fan.pk and not (thread.is_locked or thread.is_hidden)


def thread_can_see_history(*, thread: Thread, fan) -> bool:
    """Earlier versions are for moderators, product managers and the author."""
    if not fan.is_authenticated:
        return False
    return fan.is_moderator or fan.is_pm or thread.author_id == fan.pk


@transaction.atomic
def thread_edit(
    *,
    thread: Thread,
    by: Fan,
    title: str,
    body: str,
    tags: Iterable[str] | None = None,
) -> Thread:
    """Change a thread's title, text and (when given) tags; marks it edited."""
    if not thread_can_edit(thread=thread, fan=by):
        raise PermissionDenied(_("You cannot edit this post."))
    title = title.strip()
    if not title or not body.strip():
        raise ValidationError(_("A thread needs a title and a body."))
    fields = []
    now = timezone.now()
    if title != thread.title or body != thread.body:
        ThreadRevision.objects.create(
            thread=thread,
            title=thread.title,
            body=thread.body,
            edited_by=by,
            edited_at=now,
        )
        thread.title, thread.body = title, body
        thread.body_html = render_markdown(body)
        fields += ["title", "body", "body_html"]
    if tags is not None:
        tag_list = _clean_tags(tags)
        if sorted(tag_list) != sorted(t.name for t in thread.tags.all()):
            thread.tags.set(tag_list, clear=True)
            fields.append("tags")
    if fields:
        thread.edited_at = now
        # Saving the row (tags included) is what re-indexes it for search.
        thread.save(update_fields=[f for f in fields if f != "tags"] + ["edited_at"])
        board_touch(thread.board_id)
    return thread


def reply_can_edit(*, reply: Reply, thread: Thread, fan) -> bool:
    """Its author may edit a visible reply while its thread is open and visible;
    a moderator always may."""
    if not fan.is_authenticated:
        return False
    if fan.is_moderator:
        return True
    return (
        reply.author_id == fan.pk
        and not reply.is_hidden
        and not (thread.is_locked or thread.is_hidden)
    )


def reply_edit(*, reply: Reply, by: Fan, body: str) -> Reply:
    """Change a reply's text; marks it edited (unless nothing changed)."""
    if not reply_can_edit(reply=reply, thread=reply.thread, fan=by):
        raise PermissionDenied(_("You cannot edit this reply."))
    if not body.strip():
        raise ValidationError(_("A reply cannot be empty."))
    if body != reply.body:
        reply.body = body
        reply.body_html = render_markdown(body)
        reply.edited_at = timezone.now()
        reply.save(update_fields=["body", "body_html", "edited_at"])
        board_touch(reply.thread.board_id)
    return reply


@transaction.atomic
def reply_create(*, author: Fan, thread: Thread, body: str) -> Reply:
    if thread.is_locked and not author.is_moderator:
        raise PermissionDenied(_("This thread is locked."))
    if thread.is_hidden and not author.is_moderator:
        raise PermissionDenied(_("This thread is hidden."))
    if not body.strip():
        raise ValidationError(_("A reply cannot be empty."))
    now = timezone.now()
    reply = Reply.objects.create(
        thread=thread,
        author=author,
        body=body,
        body_html=render_markdown(body),
        created_at=now,
    )
    Thread.objects.filter(pk=thread.pk).update(
        reply_count=F("reply_count") + 1, last_activity_at=now
    )
    Board.objects.filter(pk=thread.board_id).update(
        reply_count=F("reply_count") + 1, last_activity_at=now
    )
    Fan.objects.filter(pk=author.pk).update(reply_count=F("reply_count") + 1)
    board_touch(thread.board_id)
    if thread.author_id != author.pk:
        notify(
            recipients=[thread.author_id],
            kind="reply",
            text=_("%(name)s replied to “%(title)s”")
            % {"name": author.public_name, "title": thread.title[:120]},
            url=reply.get_absolute_url(),
        )
    return reply


def _toggle(model, lookup: dict, counter_model, counter_pk: int) -> tuple[bool, int]:
    """Create or delete one like row; adjust the counter in the same transaction.

    The unique constraint settles races: a concurrent duplicate insert fails inside
    a savepoint and is treated as "already liked".
    """
    with transaction.atomic():
        deleted, _ = model.objects.filter(**lookup).delete()
        if deleted:
            counter_model.objects.filter(pk=counter_pk).update(
                like_count=F("like_count") - 1
            )
            liked = False
        else:
            try:
                with transaction.atomic():
                    model.objects.create(**lookup)
            except IntegrityError:
                liked = True
            else:
                counter_model.objects.filter(pk=counter_pk).update(
                    like_count=F("like_count") + 1
                )
                liked = True
        count = counter_model.objects.values_list("like_count", flat=True).get(
            pk=counter_pk
        )
    return liked, count


def thread_like_toggle(*, fan: Fan, thread: Thread) -> tuple[bool, int]:
    if thread.is_hidden:
        raise PermissionDenied(_("This thread is hidden."))
    board_touch(thread.board_id)
    return _toggle(ThreadLike, {"fan": fan, "thread": thread}, Thread, thread.pk)


def reply_like_toggle(*, fan: Fan, reply: Reply) -> tuple[bool, int]:
    if reply.is_hidden:
        raise PermissionDenied(_("This reply is hidden."))
    return _toggle(ReplyLike, {"fan": fan, "reply": reply}, Reply, reply.pk)


def thread_recount(*, thread: Thread) -> None:
    """Repair a thread's denormalised counters from the rows."""
    Thread.objects.filter(pk=thread.pk).update(
        reply_count=Reply.objects.filter(thread=thread).count(),
        like_count=ThreadLike.objects.filter(thread=thread).count(),
    )


def board_recount(*, board: Board) -> None:
    Board.objects.filter(pk=board.pk).update(
        thread_count=Thread.objects.filter(board=board).count(),
        reply_count=Reply.objects.filter(thread__board=board).count(),
    )
