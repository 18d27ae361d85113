"""Live counts over WebSockets: services publish here, on commit, never in a request's
critical path. One group per theme (``theme.<id>``) and per post (``post.<id>``)."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


# The theme counts every live update carries (``counts_for``, ``publish_themes``).
THEME_COUNTS = ("vote_count", "fan_count", "post_count")


def theme_group(theme_id: int) -> str:
    return f"theme.{theme_id}"


def post_group(post_id: int) -> str:
    return f"post.{post_id}"


def _send(messages: list[tuple[str, dict]]) -> None:
    """Send each (group, event) on the channel layer, in one event loop: with Redis,
    each ``async_to_sync`` call opens a connection of its own (1.8 ms here)."""
    layer = get_channel_layer()
    if layer is None or not messages:
        return

    async def send_all():
        for group, event in messages:
            await layer.group_send(group, event)

    try:
        async_to_sync(send_all)()
    except Exception:  # a broken layer must never fail the change itself
        logger.exception(
            "could not publish live counts to %s", [g for g, _ in messages]
        )


def publish_counts(*, post_id: int) -> None:
    """Send the post's and its theme's current counts to everyone watching them:
    the theme's group, which the theme's page and its posts' pages listen to (the
    post's own group while it has no theme)."""
    from feedback.services.votes import counts_for

    if get_channel_layer() is None:
        return
    counts = counts_for(post_id)
    group = (
        theme_group(counts["theme"]["id"]) if counts["theme"] else post_group(post_id)
    )
    _send([(group, {"type": "counts.update", "counts": counts})])


def publish_themes(counts: dict[int, dict]) -> None:
    """Send themes' new counts (theme id → fields holding ``THEME_COUNTS``, as
    ``theme_recount`` returns them) to everyone watching those themes: a post
    joined one, or a product manager moved posts between them."""
    messages = []
    for theme_id, fields in counts.items():
        theme = {"id": theme_id, **{name: fields[name] for name in THEME_COUNTS}}
        event = {"type": "counts.update", "counts": {"post": None, "theme": theme}}
        messages.append((theme_group(theme_id), event))
    _send(messages)
