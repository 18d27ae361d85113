"""Moderator actions and fan flags."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Fan, Flag, Reply, Thread
from community.pagecache import board_touch

THREAD_ACTIONS = {
    "pin": ("is_pinned", True),
    "unpin": ("is_pinned", False),
    "lock": ("is_locked", True),
    "unlock": ("is_locked", False),
    "hide": ("is_hidden", True),
    "unhide": ("is_hidden", False),
}


def _require_moderator(fan: Fan) -> None:
    if not fan.is_authenticated or not fan.is_moderator:
        raise PermissionDenied(_("Only moderators can do this."))


@transaction.atomic
def thread_moderate(*, thread: Thread, action: str, by: Fan) -> Thread:
    _require_moderator(by)
    if action not in THREAD_ACTIONS:
        raise ValidationError(_("Unknown moderation action."))
    field, value = THREAD_ACTIONS[action]
    setattr(thread, field, value)
    thread.save(update_fields=[field])
    board_touch(thread.board_id)
    if field == "is_hidden":
        _close_flags(Flag.objects.filter(thread=thread), by=by, hidden=value)
    return thread


@transaction.atomic
def reply_moderate(*, reply: Reply, hide: bool, by: Fan) -> Reply:
    _require_moderator(by)
    reply.is_hidden = hide
    reply.save(update_fields=["is_hidden"])
    _close_flags(Flag.objects.filter(reply=reply), by=by, hidden=hide)
    return reply


def _close_flags(flags, *, by: Fan, hidden: bool) -> None:
    if hidden:
        flags.filter(status=Flag.Status.OPEN).update(
            status=Flag.Status.ACTIONED, resolved_by=by, resolved_at=timezone.now()
        )


@transaction.atomic
def flag_create(
    *,
    reporter: Fan,
    reason: str,
    note: str = "",
    thread: Thread | None = None,
    reply: Reply | None = None,
) -> Flag:
    if (thread is None) == (reply is None):
        raise ValidationError(_("Flag exactly one thread or reply."))
    if reason not in Flag.Reason.values:
        raise ValidationError(_("Choose a reason."))
    existing = Flag.objects.filter(
        reporter=reporter, thread=thread, reply=reply, status=Flag.Status.OPEN
    ).first()
    if existing:
        return existing
    return Flag.objects.create(
        reporter=reporter, thread=thread, reply=reply, reason=reason, note=note[:300]
    )


@transaction.atomic
def flag_resolve(*, flag: Flag, hide: bool, by: Fan) -> Flag:
    _require_moderator(by)
    if hide:
        if flag.thread_id:
            thread_moderate(thread=flag.thread, action="hide", by=by)
        else:
            reply_moderate(reply=flag.reply, hide=True, by=by)
        flag.refresh_from_db()
    else:
        flag.status = Flag.Status.DISMISSED
        flag.resolved_by = by
        flag.resolved_at = timezone.now()
        flag.save(update_fields=["status", "resolved_by", "resolved_at"])
    return flag
