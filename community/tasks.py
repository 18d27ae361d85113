"""Background tasks of the community app."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django_tasks import task

from community.models import Fan


@task()
def send_instant_emails(
    *, fan_ids: list[int], subject: str, text: str, url: str
) -> int:
    """Mail a notification to the fans among ``fan_ids`` who chose instant email."""
    base = settings.FANLOOP_SITE_URL.rstrip("/")
    body = f"{text}\n\n{base}{url}\n" if url else f"{text}\n"
    recipients = (
        Fan.objects.filter(
            pk__in=fan_ids,
            notify_preference=Fan.NotifyPreference.INSTANT,
            is_active=True,
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )
    messages = [
        (subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in recipients
    ]
    return send_mass_mail(messages, fail_silently=True) if messages else 0
