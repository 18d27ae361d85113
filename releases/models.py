"""Releases, their items, the fans they credit, fans' ratings, and changelog pages.

A ``Release`` is built by product managers from planned themes; publishing it (see
``releases.services.release_publish``) writes ``Credit`` rows, rewards the fans and
creates the Wagtail ``ChangelogPage`` that shows it under ``/changelog/``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from releases.blocks import ChangelogItemBlock

version_validator = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,39}$",
    _("Use letters, digits, dots and dashes, e.g. 24.11.22."),
)


class Release(models.Model):
    class Channel(models.TextChoices):
        BETA = "beta", _("Beta")
        STABLE = "stable", _("Stable")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    version = models.CharField(
        _("version"), max_length=40, unique=True, validators=[version_validator]
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.STABLE
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]

    def __str__(self) -> str:
        return self.version

    def get_absolute_url(self) -> str:
        return reverse("releases:release", kwargs={"version": self.version})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ReleaseItem(models.Model):
    class Kind(models.TextChoices):
        FIX = "fix", _("Fix")
        FEATURE = "feature", _("Feature")
        IMPROVEMENT = "improvement", _("Improvement")

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="items")
    theme = models.ForeignKey(
        "feedback.Theme", on_delete=models.PROTECT, related_name="release_items"
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind.choices, default=Kind.FIX
    )
    summary_en = models.CharField(_("summary (English)"), max_length=300)
    summary_zh = models.CharField(_("summary (Chinese)"), max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)
    # Snapshot taken when the release is published: who was behind the theme then.
    fan_count = models.PositiveIntegerField(default=0)
    voter_count = models.PositiveIntegerField(default=0)
    # Denormalised rating distribution (``rating_recount`` repairs it).
    good_count = models.PositiveIntegerField(default=0)
    so_so_count = models.PositiveIntegerField(default=0)
    bad_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "theme"], name="uniq_release_theme"
            )
        ]

    def __str__(self) -> str:
        return f"{self.release.version}: {self.summary_en}"

    @property
    def summary(self) -> str:
        """The summary in the reader's language (Chinese variants share one)."""
        if self.summary_zh and (get_language() or "").startswith("zh"):
            return self.summary_zh
        return self.summary_en

    @property
    def rating_total(self) -> int:
        return self.good_count + self.so_so_count + self.bad_count


class Credit(models.Model):
    """A fan thanked for an item: first reporter, reporter, or voter."""

    class Role(models.TextChoices):
        FIRST_REPORTER = "first_reporter", _("First reporter")
        REPORTER = "reporter", _("Reporter")
        VOTER = "voter", _("Voter")

    # No single-column indexes: (item, fan) and (fan, item) below cover both
    # lookups, and a release writes tens of thousands of credits at once.
    item = models.ForeignKey(
        ReleaseItem, on_delete=models.CASCADE, related_name="credits", db_index=False
    )
    fan = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="credits",
        db_index=False,
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "fan"], name="uniq_credit")
        ]
        indexes = [models.Index(fields=["fan", "item"], name="credit_fan")]

    def __str__(self) -> str:
        return f"{self.fan_id} {self.role} {self.item_id}"


class ItemRating(models.Model):
    class Value(models.TextChoices):
        GOOD = "good", _("Good")
        SO_SO = "so-so", _("So-so")
        BAD = "bad", _("Bad")

    item = models.ForeignKey(
        ReleaseItem, on_delete=models.CASCADE, related_name="ratings"
    )
    fan = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings"
    )
    value = models.CharField(max_length=8, choices=Value.choices)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "fan"], name="uniq_rating")
        ]

    def __str__(self) -> str:
        return f"{self.fan_id} {self.value} {self.item_id}"


class ChangelogIndexPage(Page):
    """``/changelog/``: the list of published releases, newest first."""

    intro = RichTextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["releases.ChangelogPage"]
    max_count = 1

    class Meta:
        verbose_name = _("changelog index")

    def get_context(self, request, *args, **kwargs):
        from releases.selectors import changelog_list

        context = super().get_context(request, *args, **kwargs)
        channel = request.GET.get("channel", "")
        context["channel"] = channel if channel in Release.Channel.values else ""
        context["channels"] = Release.Channel.choices
        context["pages"] = changelog_list(
            index=self, channel=context["channel"], page=request.GET.get("page", 1)
        )
        return context


class ChangelogPage(Page):
    """One published release. Generated by ``release_publish``; editors may
    reword the intro and the items' text, preview and republish (revisions kept).
    Credits and ratings come from the database, so edits never change who is
    thanked."""

    release = models.OneToOneField(
        Release, on_delete=models.PROTECT, related_name="page"
    )
    intro = RichTextField(blank=True)
    body = StreamField(
        [("item", ChangelogItemBlock())],
        blank=True,
        help_text=_("One block per release item; the credits are added on the page."),
    )

    content_panels = [
        *Page.content_panels,
        HelpPanel(
            content=_(
                "Generated when the release was published. Edit the wording; "
                "credits and ratings are shown automatically."
            )
        ),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]
    parent_page_types = ["releases.ChangelogIndexPage"]
    subpage_types: list[str] = []
    # Created by publishing a release, never by hand in the admin.
    is_creatable = False

    class Meta:
        verbose_name = _("changelog page")

    def get_context(self, request, *args, **kwargs):
        from releases.selectors import changelog_sections

        context = super().get_context(request, *args, **kwargs)
        context.update(changelog_sections(page=self, viewer=request.user))
        return context
