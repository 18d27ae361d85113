"""Notifications: written in bulk, one per fan per event."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from community.models import Notification


def notify(
    *,
    recipients: Iterable[int],
    kind: str,
    text: str,
    url: str = "",
    event_key: str = "",
) -> int:
    """Notify each fan id once; with ``event_key`` a repeat call adds nothing.

    Returns how many notifications were written.
    """
    ids = sorted(set(recipients))
    if not ids:
        return 0
    rows = [
        Notification(
            recipient_id=fan_id,
            kind=kind,
            text=text[:300],
            url=url,
            event_key=event_key,
        )
        for fan_id in ids
    ]
    with transaction.atomic():
        if event_key:
            already = set(
                Notification.objects.filter(
                    recipient_id__in=ids, event_key=event_key
                ).values_list("recipient_id", flat=True)
            )
            rows = [row for row in rows if row.recipient_id not in already]
        Notification.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def notifications_mark_read(*, fan, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=fan, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
