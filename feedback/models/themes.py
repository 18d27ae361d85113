from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Theme(models.Model):
    """A cluster of pain points that share one underlying problem."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        UNDER_REVIEW = "under_review", _("Under review")
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        SHIPPED = "shipped", _("Shipped")
        WONT_FIX = "wont_fix", _("Won't fix")
        DUPLICATE = "duplicate", _("Duplicate")

    title = models.CharField(_("title"), max_length=200)
    # A person renamed it: automatic labelling never overwrites the title again.
    title_locked = models.BooleanField(default=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.NEW,
        db_index=True,
    )
    board = models.ForeignKey(
        "community.Board",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="themes",
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged"
    )
    public_note = models.TextField(_("public note"), blank=True)
    internal_note = models.TextField(_("internal note"), blank=True)
    target_version = models.CharField(_("target version"), max_length=40, blank=True)
    top_terms = models.JSONField(default=list, blank=True)
    post_count = models.PositiveIntegerField(default=0)
    vote_count = models.PositiveIntegerField(default=0)
    fan_count = models.PositiveIntegerField(default=0)
    score = models.FloatField(default=0.0, db_index=True)
    # Fans' ratings of the release items that shipped this theme ({"good": n,
    # "so-so": n, "bad": n}), written by the releases app through a service, and
    # whether those ratings say the problem is not solved (shown on triage).
    satisfaction = models.JSONField(default=dict, blank=True)
    reopen_suggested = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["status", "-score"], name="theme_status_score")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("feedback:theme", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status not in {
            self.Status.SHIPPED,
            self.Status.WONT_FIX,
            self.Status.DUPLICATE,
        }


class ThemeEvent(models.Model):
    """Audit log of every decision about a theme: who, when, before, after."""

    class Action(models.TextChoices):
        CREATED = "created", _("Opened automatically")
        RENAME = "rename", _("Renamed")
        STATUS = "status", _("Status changed")
        MERGE = "merge", _("Merged")
        UNMERGE = "unmerge", _("Merge undone")
        SPLIT = "split", _("Split")
        MOVE = "move", _("Post moved")
        NOTE = "note", _("Note")
        PLAN = "plan", _("Planned for a version")
        SHIP = "ship", _("Shipped in a release")
        RECLUSTER = "recluster", _("Re-clustered")

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.theme_id} {self.action}"
