from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager


class Board(models.Model):
    """A product area (Camera, Battery, ...); boards are listed by ``position``."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)
    is_feedback = models.BooleanField(
        _("feedback board"),
        default=True,
        help_text=_("New threads here are pain points with structured fields."),
    )
    thread_count = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("community:board", kwargs={"slug": self.slug})


class Thread(models.Model):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="threads")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="threads"
    )
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("body"))
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    # When its author (or a moderator) last changed the title, text or tags.
    edited_at = models.DateTimeField(null=True, blank=True)
    reply_count = models.PositiveIntegerField(default=0)
    like_count = models.PositiveIntegerField(default=0)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    tags = TaggableManager(blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["board", "is_hidden", "-is_pinned", "-last_activity_at"],
                name="thread_board_activity",
            ),
            models.Index(
                fields=["board", "is_hidden", "-is_pinned", "-created_at"],
                name="thread_board_newest",
            ),
            models.Index(
                fields=["board", "is_hidden", "-is_pinned", "-like_count"],
                name="thread_board_liked",
            ),
            models.Index(fields=["author", "-created_at"], name="thread_author"),
            # What fans see: partial indexes on visible threads. SQLite cannot use the
            # indexes above for "NOT is_hidden" and would sort the whole board.
            models.Index(
                fields=["board", "-is_pinned", "-last_activity_at", "-id"],
                condition=models.Q(is_hidden=False),
                name="thread_visible_activity",
            ),
            models.Index(
                fields=["board", "-is_pinned", "-created_at", "-id"],
                condition=models.Q(is_hidden=False),
                name="thread_visible_newest",
            ),
            models.Index(
                fields=["board", "-is_pinned", "-like_count", "-id"],
                condition=models.Q(is_hidden=False),
                name="thread_visible_liked",
            ),
            models.Index(
                fields=["author", "-created_at", "-id"],
                condition=models.Q(is_hidden=False),
                name="thread_visible_author",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:thread", kwargs={"pk": self.pk})


class Reply(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="replies"
    )
    body = models.TextField(_("reply"))
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    like_count = models.PositiveIntegerField(default=0)
    is_hidden = models.BooleanField(_("hidden"), default=False)

    class Meta:
        verbose_name_plural = _("replies")
        indexes = [
            models.Index(fields=["thread", "created_at"], name="reply_thread_time"),
            models.Index(fields=["author", "-created_at"], name="reply_author"),
        ]

    def __str__(self) -> str:
        return f"Reply {self.pk} on {self.thread_id}"

    def get_absolute_url(self) -> str:
        return f"{self.thread.get_absolute_url()}#reply-{self.pk}"


class ThreadLike(models.Model):
    fan = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "fan"], name="uniq_thread_like")
        ]

    def __str__(self) -> str:
        return f"{self.fan_id} likes thread {self.thread_id}"


class ReplyLike(models.Model):
    fan = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reply", "fan"], name="uniq_reply_like")
        ]

    def __str__(self) -> str:
        return f"{self.fan_id} likes reply {self.reply_id}"


class ThreadRevision(models.Model):
    """A thread's title and text as they were before an edit: moderators (and the
    author) can see what changed, so a post that gathered votes for one problem
    cannot quietly become another."""

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="revisions"
    )
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("body"))
    # Who made the edit that replaced this version, and when.
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    edited_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["thread", "-edited_at"], name="revision_thread"),
        ]

    def __str__(self) -> str:
        return f"{self.thread_id} before {self.edited_at:%Y-%m-%d %H:%M}"


class Flag(models.Model):
    """A fan's report of a thread or reply for moderators to look at."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Abusive or rude")
        OFF_TOPIC = "off_topic", _("Off topic")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACTIONED = "actioned", _("Content hidden")
        DISMISSED = "dismissed", _("Dismissed")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags"
    )
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, null=True, blank=True, related_name="flags"
    )
    reply = models.ForeignKey(
        Reply, on_delete=models.CASCADE, null=True, blank=True, related_name="flags"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(thread__isnull=False, reply__isnull=True)
                    | models.Q(thread__isnull=True, reply__isnull=False)
                ),
                name="flag_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"Flag {self.pk} ({self.reason})"

    @property
    def target(self) -> Thread | Reply:
        return self.thread if self.thread_id else self.reply
