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


def publish_counts(*, post_id: int) -> None:
    """Send the post's and its theme's current counts to everyone watching them."""
    from feedback.services.votes import counts_for

    layer = get_channel_layer()
    if layer is None:
        return
    payload = {"type": "counts.update", "counts": counts_for(post_id)}
    groups = [post_group(post_id)]
    if payload["counts"]["theme"]:
        groups.append(theme_group(payload["counts"]["theme"]["id"]))
    try:
        for group in groups:
            async_to_sync(layer.group_send)(group, payload)
    except Exception:  # a broken layer must never fail the vote itself
        logger.exception("could not publish live counts for post %s", post_id)


def publish_themes(counts: dict[int, dict]) -> None:
    """Send themes' new counts (theme id → fields holding ``THEME_COUNTS``, as
    ``theme_recount`` returns them) to everyone watching those themes: a post
    joined one, or a product manager moved posts between them."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        for theme_id, fields in counts.items():
            theme = {"id": theme_id, **{name: fields[name] for name in THEME_COUNTS}}
            async_to_sync(layer.group_send)(
                theme_group(theme_id),
                {"type": "counts.update", "counts": {"post": None, "theme": theme}},
            )
    except Exception:  # a broken layer must never fail the change itself
        logger.exception("could not publish live counts for themes %s", list(counts))
