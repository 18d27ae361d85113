"""Notifications: written in bulk, one per fan per event."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from community.bulk import insert_rows
from community.models import Notification
from community.tasks import send_instant_emails

CHUNK = 5000  # ids per IN (...) list: well under SQLite's variable limit


def notify(
    *,
    recipients: Iterable[int],
    kind: str,
    text: str,
    url: str = "",
    event_key: str = "",
    email_subject: str = "",
) -> int:
    """Notify each fan id once; with ``event_key`` a repeat call adds nothing.

    Rows are written in bulk (``insert_rows``), however many fans. With
    ``email_subject``, fans who chose instant email also get a mail, sent after
    commit through the task queue; weekly digest fans get it in ``send_digests``.
    Returns how many notifications were written.
    """
    ids = sorted(set(recipients))
    if not ids:
        return 0
    with transaction.atomic():
        if event_key and email_subject:
            # Mail only fans who were not told yet (rows repeat harmlessly below).
            already: set[int] = set()
            for start in range(0, len(ids), CHUNK):
                already.update(
                    Notification.objects.filter(
                        recipient_id__in=ids[start : start + CHUNK],
                        event_key=event_key,
                    ).values_list("recipient_id", flat=True)
                )
            ids = [fan_id for fan_id in ids if fan_id not in already]
        written = insert_rows(
            Notification,
            ["recipient_id"],
            ((fan_id,) for fan_id in ids),
            constants={
                "kind": kind,
                "text": text[:300],
                "url": url,
                "event_key": event_key,
                "created_at": timezone.now(),
            },
            # The unique (recipient, event_key) constraint drops repeats.
            ignore_conflicts=bool(event_key),
        )
        if email_subject and ids:
            transaction.on_commit(
                lambda: send_instant_emails.enqueue(
                    fan_ids=ids, subject=email_subject, text=text, url=url
                )
            )
    return written


def notifications_mark_read(*, fan, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=fan, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def digest_send(*, since) -> int:
    """One email per digest fan listing their unread notifications in the period."""
    from collections import defaultdict

    from django.conf import settings
    from django.core.mail import send_mass_mail
    from django.utils.translation import gettext as _

    from community.models import Fan

    cutoff = timezone.now() - since
    rows = (
        Notification.objects.filter(
            read_at__isnull=True,
            created_at__gte=cutoff,
            recipient__notify_preference=Fan.NotifyPreference.DIGEST,
            recipient__is_active=True,
        )
        .exclude(recipient__email="")
        .select_related("recipient")
        .order_by("recipient_id", "created_at")
    )
    grouped: dict[str, list[str]] = defaultdict(list)
    base = settings.FANLOOP_SITE_URL.rstrip("/")
    for n in rows:
        grouped[n.recipient.email].append(f"- {n.text}\n  {base}{n.url}")
    messages = [
        (
            _("Your week on Fanloop"),
            "\n".join(lines) + "\n",
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )
        for email, lines in grouped.items()
    ]
    return send_mass_mail(messages, fail_silently=True) if messages else 0
