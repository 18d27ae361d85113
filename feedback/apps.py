from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from community.models import Thread
        from feedback.receivers import thread_visibility_changed

        post_save.connect(
            thread_visibility_changed,
            sender=Thread,
            dispatch_uid="feedback-thread-visibility",
        )
