from django.conf import settings
from django.db import models


class Notification(models.Model):
    """Something a fan should see: a reply, a status change, a credit."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Lets a sender make fan-out idempotent: one notification per fan per event.
    event_key = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notif_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notif_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"],
                condition=~models.Q(event_key=""),
                name="uniq_notification_event",
            )
        ]

    def __str__(self) -> str:
        return self.text
