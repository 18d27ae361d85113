from django.db import models
from django.utils.translation import gettext_lazy as _


class WeeklyBacklog(models.Model):
    """A frozen snapshot of the ranked themes at one week's cut-off."""

    week = models.CharField(_("week"), max_length=8, unique=True)  # "2026-W47"
    cutoff = models.DateTimeField()
    built_at = models.DateTimeField(auto_now=True)
    theme_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-cutoff"]

    def __str__(self) -> str:
        return self.week


class BacklogEntry(models.Model):
    backlog = models.ForeignKey(
        WeeklyBacklog, on_delete=models.CASCADE, related_name="entries"
    )
    theme = models.ForeignKey(
        "feedback.Theme", on_delete=models.CASCADE, related_name="backlog_entries"
    )
    rank = models.PositiveIntegerField()
    previous_rank = models.PositiveIntegerField(null=True, blank=True)
    score = models.FloatField()
    breakdown = models.JSONField(default=dict)
    fan_count = models.PositiveIntegerField(default=0)
    vote_count = models.PositiveIntegerField(default=0)
    post_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20)
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["backlog", "theme"], name="uniq_entry"),
            models.UniqueConstraint(fields=["backlog", "rank"], name="uniq_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.backlog_id} #{self.rank}"

    @property
    def movement(self) -> int | None:
        """Places gained since last week (positive = up); None for a new entry."""
        if self.previous_rank is None:
            return None
        return self.previous_rank - self.rank
