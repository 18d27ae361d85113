"""What the feedback app does when a community model it builds on changes.

Community cannot call feedback (dependencies flow one way), so feedback listens.
"""

from __future__ import annotations

from django.db import transaction


def thread_visibility_changed(sender, instance, update_fields=None, **kwargs) -> None:
    """A moderator hid or restored a pain point's thread: its theme's posts, votes,
    fans and score count only visible posts, so they are counted again at once
    (before, they waited for the weekly recount) and pushed to live viewers."""
    if not update_fields or "is_hidden" not in update_fields:
        return
    from feedback.models import PainPoint
    from feedback.services.counters import themes_recount
    from feedback.services.realtime import publish_counts

    theme_ids = list(
        PainPoint.objects.filter(
            thread_id=instance.pk, theme__isnull=False
        ).values_list("theme_id", flat=True)
    )
    if theme_ids:
        themes_recount(theme_ids)
        transaction.on_commit(lambda: publish_counts(post_id=instance.pk))
