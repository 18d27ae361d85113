from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PainPoint(models.Model):
    """A thread in a feedback board, with the structure a product team needs."""

    class Kind(models.TextChoices):
        BUG = "bug", _("Bug")
        SUGGESTION = "suggestion", _("Suggestion")
        COMPLAINT = "complaint", _("Complaint")

    class Reproducibility(models.TextChoices):
        ALWAYS = "always", _("Always")
        SOMETIMES = "sometimes", _("Sometimes")
        ONCE = "once", _("Happened once")

    class Severity(models.IntegerChoices):
        LOW = 1, _("Low: cosmetic")
        MEDIUM = 2, _("Medium: annoying")
        HIGH = 3, _("High: blocks a feature")
        CRITICAL = 4, _("Critical: data loss, crash loop")

    # How long a device model and a version may be (the form and the API check
    # them; the service trims to them).
    DEVICE_MAX = 80
    VERSION_MAX = 40

    # What a fan fills in besides the thread's title, text and tags.
    STRUCTURE_FIELDS = (
        "kind",
        "device_model",
        "os_version",
        "reproducibility",
        "severity",
        "steps",
        "expected",
        "actual",
    )

    thread = models.OneToOneField(
        "community.Thread",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="painpoint",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    device_model = models.CharField(
        _("device model"), max_length=DEVICE_MAX, blank=True
    )
    os_version = models.CharField(
        _("OS / app version"), max_length=VERSION_MAX, blank=True
    )
    reproducibility = models.CharField(
        _("how often"), max_length=10, choices=Reproducibility.choices, blank=True
    )
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=Severity.choices, default=Severity.MEDIUM
    )
    steps = models.TextField(_("steps to reproduce"), blank=True)
    expected = models.TextField(_("expected result"), blank=True)
    actual = models.TextField(_("actual result"), blank=True)
    theme = models.ForeignKey(
        "feedback.Theme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
    )
    # A person put this post in its theme (move, split): re-clustering keeps it there.
    theme_pinned = models.BooleanField(default=False)
    vector = models.BinaryField(null=True, blank=True, editable=False)
    # Bumped when an edit changes what the vector and terms are made of, so that
    # every process's similarity index re-reads this post (``services.index``).
    revision = models.PositiveIntegerField(default=0, editable=False)
    vote_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["theme", "created_at"], name="painpoint_theme"),
            models.Index(fields=["kind"], name="painpoint_kind"),
        ]

    def __str__(self) -> str:
        return f"PainPoint {self.pk}"

    @property
    def id(self) -> int:
        return self.thread_id


class Vote(models.Model):
    """A "me too": one per fan per post; the database enforces it."""

    fan = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    post = models.ForeignKey(PainPoint, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "fan"], name="uniq_vote")
        ]
        indexes = [models.Index(fields=["fan", "post"], name="vote_fan")]

    def __str__(self) -> str:
        return f"{self.fan_id} +1 {self.post_id}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("Screenshot")
        LOG = "log", _("Log file")

    post = models.ForeignKey(
        PainPoint, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to="attachments/%Y/%m/")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
