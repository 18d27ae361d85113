from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Fan(AbstractUser):
    """A member of the community; the custom user model."""

    class NotifyPreference(models.TextChoices):
        INSTANT = "instant", _("Instant email")
        DIGEST = "digest", _("Weekly digest")
        OFF = "off", _("No email")

    class Role(models.TextChoices):
        MODERATOR = "moderator", _("Moderator")
        PM = "pm", _("Product manager")
        EDITOR = "editor", _("Editor")

    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    devices = models.CharField(
        _("devices owned"),
        max_length=300,
        blank=True,
        help_text=_("Comma separated, e.g. Mi 14, Redmi Note 13"),
    )
    locale = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
    )
    bio = models.CharField(_("about me"), max_length=280, blank=True)
    reputation = models.IntegerField(_("reputation"), default=0)
    credit_opt_out = models.BooleanField(
        _("hide my name in release credits"), default=False
    )
    notify_preference = models.CharField(
        _("email notifications"),
        max_length=10,
        choices=NotifyPreference.choices,
        default=NotifyPreference.INSTANT,
    )
    thread_count = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("fan")
        verbose_name_plural = _("fans")

    def __str__(self) -> str:
        return self.public_name

    def get_absolute_url(self) -> str:
        return reverse("community:profile", kwargs={"username": self.username})

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    @property
    def device_list(self) -> list[str]:
        return [d.strip() for d in self.devices.split(",") if d.strip()]

    @property
    def level(self) -> int:
        thresholds = settings.FANLOOP_LEVELS
        return sum(1 for t in thresholds if self.reputation >= t)

    def has_role(self, role: str) -> bool:
        if self.is_superuser:
            return True
        roles = getattr(self, "_role_cache", None)
        if roles is None:
            roles = set(self.groups.values_list("name", flat=True))
            self._role_cache = roles
        return role in roles

    @property
    def is_moderator(self) -> bool:
        return self.has_role(self.Role.MODERATOR)

    @property
    def is_pm(self) -> bool:
        return self.has_role(self.Role.PM)

    @property
    def is_editor(self) -> bool:
        return self.has_role(self.Role.EDITOR)


class ReputationEntry(models.Model):
    """One change of a fan's reputation; ``key`` makes awards idempotent."""

    fan = models.ForeignKey(
        Fan, on_delete=models.CASCADE, related_name="reputation_log"
    )
    amount = models.IntegerField()
    reason = models.CharField(max_length=200)
    key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.fan_id} {self.amount:+d} {self.reason}"


class Badge(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.name


class FanBadge(models.Model):
    fan = models.ForeignKey(Fan, on_delete=models.CASCADE, related_name="fan_badges")
    badge = models.ForeignKey(Badge, on_delete=models.CASCADE)
    awarded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fan", "badge"], name="uniq_fan_badge")
        ]

    def __str__(self) -> str:
        return f"{self.fan_id}:{self.badge_id}"


class ApiToken(models.Model):
    """A bearer token for scripts; only its SHA-256 digest is stored."""

    fan = models.ForeignKey(
        Fan, on_delete=models.CASCADE, related_name="fanloop_tokens"
    )
    name = models.CharField(max_length=80, default="default")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"
