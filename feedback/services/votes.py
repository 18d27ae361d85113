""" "Me too" votes: one per fan per post, settled by the database constraint."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from community.models import Fan
from community.pagecache import board_touch
from feedback.models import PainPoint, Vote
from feedback.services.counters import theme_recount
from feedback.services.realtime import THEME_COUNTS, publish_counts


def _check(fan: Fan, post: PainPoint) -> None:
    if not fan.is_authenticated:
        raise PermissionDenied(_("Log in to vote."))
    if post.thread.is_hidden:
        raise PermissionDenied(_("This post is hidden."))


def vote_cast(*, fan: Fan, post: PainPoint) -> bool:
    """Add the fan's vote; returns False when it was already there (idempotent).

    Two concurrent requests both try the INSERT; the unique constraint lets one win
    and the other lands in the IntegrityError branch inside its own savepoint.
    """
    _check(fan, post)
    with transaction.atomic():
        try:
            with transaction.atomic():
                Vote.objects.create(fan=fan, post=post)
        except IntegrityError:
            return False
        PainPoint.objects.filter(pk=post.pk).update(vote_count=F("vote_count") + 1)
        board_touch(post.thread.board_id)
        if post.theme_id:
            theme_recount(theme_id=post.theme_id)
        transaction.on_commit(lambda: publish_counts(post_id=post.pk))
    return True


def vote_retract(*, fan: Fan, post: PainPoint) -> bool:
    _check(fan, post)
    with transaction.atomic():
        deleted, _ = Vote.objects.filter(fan=fan, post=post).delete()
        if not deleted:
            return False
        PainPoint.objects.filter(pk=post.pk).update(vote_count=F("vote_count") - 1)
        board_touch(post.thread.board_id)
        if post.theme_id:
            theme_recount(theme_id=post.theme_id)
        transaction.on_commit(lambda: publish_counts(post_id=post.pk))
    return True


def vote_toggle(*, fan: Fan, post: PainPoint) -> bool:
    """Flip the fan's vote; returns whether the fan now votes for the post."""
    if Vote.objects.filter(fan=fan, post=post).exists():
        vote_retract(fan=fan, post=post)
        return False
    vote_cast(fan=fan, post=post)
    return True


def counts_for(post_id: int) -> dict:
    """A post's votes and its theme's counts, in one query: a vote reads them
    twice (the live update on commit, then the response)."""
    row = PainPoint.objects.values(
        "vote_count", "theme_id", *(f"theme__{name}" for name in THEME_COUNTS)
    ).get(pk=post_id)
    theme = None
    if row["theme_id"]:
        theme = {"id": row["theme_id"]}
        theme.update((name, row[f"theme__{name}"]) for name in THEME_COUNTS)
    return {"post": post_id, "votes": row["vote_count"], "theme": theme}
