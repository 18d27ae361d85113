"""Writes of the releases app: build a release, publish it, rate its items.

``release_publish`` is the heart: in one transaction it writes the credits, awards
reputation and badges, marks the themes shipped (through ``feedback``'s service),
notifies every credited fan and voter, and creates or updates the Wagtail
changelog page. Every step is keyed so publishing again adds only what is new.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import GroupPagePermission, Locale, Page, Site

from community.bulk import insert_rows
from community.models import Fan
from community.pagecache import scope_touch
from community.services.fans import badge_grant_many, reputation_award_many
from community.services.notifications import notify
from feedback.models import Theme
from feedback.services.triage import require_pm, theme_satisfaction_set, themes_ship
from releases.credits import credits_compute
from releases.models import (
    ChangelogIndexPage,
    ChangelogPage,
    Credit,
    ItemRating,
    Release,
    ReleaseItem,
    version_validator,
)

CREDIT_BADGE = {
    "slug": "heard",
    "name": gettext_lazy("Heard"),
    "description": gettext_lazy("Thanked in a changelog for a change fans asked for."),
}
PAGE_ROLES = ("editor", "pm")


@dataclass
class ItemSpec:
    theme: Theme
    kind: str = ReleaseItem.Kind.FIX
    summary_en: str = ""
    summary_zh: str = ""


def _survivor(theme: Theme) -> Theme:
    """The theme as stored now, or the theme it was (transitively) merged into."""
    theme = Theme.objects.get(pk=theme.pk)
    seen = set()
    while theme.merged_into_id and theme.pk not in seen:
        seen.add(theme.pk)
        theme = Theme.objects.get(pk=theme.merged_into_id)
    return theme


@transaction.atomic
def release_create(
    *,
    version: str,
    channel: str,
    by: Fan,
    items: list[ItemSpec],
    target_date: dt.date | None = None,
) -> Release:
    """Create a draft release with one item per theme (merged themes resolve to
    the theme they were merged into; a theme listed twice counts once)."""
    require_pm(by)
    version = (version or "").strip()
    version_validator(version)
    if channel not in Release.Channel.values:
        raise ValidationError(_("Channel must be beta or stable."))
    if Release.objects.filter(version=version).exists():
        raise ValidationError(
            _("Release %(version)s exists already.") % {"version": version}
        )
    if not items:
        raise ValidationError(_("Choose at least one theme for the release."))
    release = Release.objects.create(
        version=version, channel=channel, target_date=target_date, created_by=by
    )
    release_items_add(release=release, items=items, by=by)
    return release


@transaction.atomic
def release_items_add(*, release: Release, items: list[ItemSpec], by: Fan) -> int:
    require_pm(by)
    have = set(release.items.values_list("theme_id", flat=True))
    position = release.items.count()
    rows = []
    for spec in items:
        theme = _survivor(spec.theme)
        if theme.pk in have:
            continue
        if spec.kind not in ReleaseItem.Kind.values:
            raise ValidationError(_("Kind must be fix, feature or improvement."))
        have.add(theme.pk)
        position += 1
        rows.append(
            ReleaseItem(
                release=release,
                theme=theme,
                kind=spec.kind,
                summary_en=(spec.summary_en.strip() or theme.title)[:300],
                summary_zh=spec.summary_zh.strip()[:300],
                position=position,
            )
        )
    ReleaseItem.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def release_item_remove(*, item: ReleaseItem, by: Fan) -> None:
    require_pm(by)
    if item.release.is_published:
        raise ValidationError(_("Items of a published release cannot be removed."))
    item.delete()


def changelog_index_ensure() -> ChangelogIndexPage:
    """The ``/changelog/`` page, created under the default site's root if missing
    (a fresh database gets it from migration 0002; this covers flushed test
    databases and sites whose root page was replaced)."""
    index = ChangelogIndexPage.objects.first()
    if index is not None:
        return index
    if not Locale.objects.exists():
        Locale.objects.create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        root = Page.get_first_root_node() or Page.add_root(
            instance=Page(title="Root", slug="root")
        )
        home = root.add_child(instance=Page(title="Fanloop", slug="home"))
        site = Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True
        )
    index = site.root_page.add_child(
        instance=ChangelogIndexPage(title=_("Changelog"), slug="changelog")
    )
    changelog_permissions_grant(index=index)
    return index


def changelog_permissions_grant(*, index: Page) -> None:
    """Editors and PMs may use the Wagtail admin to edit and publish changelogs."""
    access = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    page_perms = Permission.objects.filter(
        content_type__app_label="wagtailcore",
        codename__in=["add_page", "change_page", "publish_page"],
    )
    for group in Group.objects.filter(name__in=PAGE_ROLES):
        group.permissions.add(access)
        for perm in page_perms:
            GroupPagePermission.objects.get_or_create(
                group=group, page=index, permission=perm
            )


def _block(item: ReleaseItem) -> tuple[str, dict]:
    return (
        "item",
        {
            "item": item.pk,
            "kind": item.kind,
            "summary_en": item.summary_en,
            "summary_zh": item.summary_zh,
        },
    )


def _page_write(*, release: Release, items: list[ReleaseItem], by: Fan):
    """Create the changelog page, or add blocks for new items to the live one
    (an editor's wording of existing items is kept), then publish a revision."""
    page = ChangelogPage.objects.filter(release=release).first()
    if page is None:
        index = changelog_index_ensure()
        page = ChangelogPage(
            title=_("Release %(version)s") % {"version": release.version},
            slug=slugify(release.version.replace(".", "-")) or f"r{release.pk}",
            release=release,
            body=[_block(item) for item in items],
        )
        index.add_child(instance=page)
    else:
        present = {block.value["item"] for block in page.body}
        for item in items:
            if item.pk not in present:
                page.body.append(_block(item))
    revision = page.save_revision(user=by, log_action=True)
    revision.publish(user=by)
    return page


def _credit_rows(release: Release, items: list[ReleaseItem]):
    """Credits per item, and the snapshot counters of each item."""
    computed = credits_compute(theme_ids=[item.theme_id for item in items])
    rows = []
    for item in items:
        credits = computed.get(item.theme_id)
        if credits is None:
            item.fan_count = item.voter_count = 0
            continue
        if credits.first_reporter:
            rows.append((item, credits.first_reporter, Credit.Role.FIRST_REPORTER))
        rows += [(item, fan, Credit.Role.REPORTER) for fan in credits.reporters]
        rows += [(item, fan, Credit.Role.VOTER) for fan in credits.voters]
        item.fan_count = credits.fan_count
        item.voter_count = len(credits.voters)
    return rows


def _notify_item(
    release: Release,
    item: ReleaseItem,
    page_url: str,
    reporters: list[int],
    voters: list[int],
) -> None:
    params = {"version": release.version, "summary": item.summary_en[:120]}
    fixed = item.kind == ReleaseItem.Kind.FIX
    url = f"{page_url}#item-{item.pk}"
    key = f"release-item:{item.pk}"
    subject = _("Fixed in %(version)s") % params
    notify(
        recipients=reporters,
        kind="release_credit",
        text=(
            _("Your report was fixed in %(version)s: “%(summary)s”. Fixed for you?")
            if fixed
            else _("Your idea shipped in %(version)s: “%(summary)s”. Does it work?")
        )
        % params,
        url=url,
        event_key=key,
        email_subject=subject,
    )
    notify(
        recipients=voters,
        kind="release_vote",
        text=(
            _("A problem you voted for was fixed in %(version)s: “%(summary)s”.")
            if fixed
            else _("Something you voted for shipped in %(version)s: “%(summary)s”.")
        )
        % params,
        url=url,
        event_key=key,
    )


@transaction.atomic
def release_publish(*, release: Release, by: Fan) -> ChangelogPage:
    """Publish a release: credits, rewards, shipped themes, notifications, page.

    The release row is locked for the whole transaction, so two publishes of the
    same release run one after the other; every write is keyed (unique credit per
    item and fan, reputation key per release, role and fan, notification event key
    per item), so a second publish only adds what changed since the first.
    """
    require_pm(by)
    release = Release.objects.select_for_update().get(pk=release.pk)
    items = list(release.items.select_related("theme").order_by("position", "pk"))
    if not items:
        raise ValidationError(_("A release needs at least one item to publish."))
    rows = _credit_rows(release, items)
    now = timezone.now()
    for role in Credit.Role.values:  # the role as a constant: only ids per row
        insert_rows(
            Credit,
            ["item_id", "fan_id"],
            ((item.pk, fan) for item, fan, r in rows if r == role),
            constants={"role": role, "created_at": now},
            ignore_conflicts=True,
        )
    ReleaseItem.objects.bulk_update(items, ["fan_count", "voter_count"])
    weights = settings.FANLOOP_CREDIT_REPUTATION
    reason = _("Credited in release %(version)s") % {"version": release.version}
    reputation_award_many(
        awards=(
            (fan, weights[role], reason, f"release:{release.pk}:{role}:{fan}")
            for _item, fan, role in rows
            if weights.get(role)
        )
    )
    badge_grant_many(fan_ids=(fan for _i, fan, _r in rows), **CREDIT_BADGE)
    themes_ship(
        theme_ids=[item.theme_id for item in items], version=release.version, by=by
    )
    if not release.is_published:
        release.status = Release.Status.PUBLISHED
        release.published_at = timezone.now()
        release.save(update_fields=["status", "published_at"])
    page = _page_write(release=release, items=items, by=by)
    page_url = page.url or f"/changelog/{page.slug}/"
    _notify_fans(release, items, page_url, rows)
    return page


def _notify_fans(release: Release, items: list[ReleaseItem], page_url: str, rows):
    """Reporters hear about each item they reported ("Fixed for you?"); a voter
    hears once per release: about the item when it is one, else how many."""
    reporters: dict[int, list[int]] = defaultdict(list)
    voted: dict[int, list[ReleaseItem]] = defaultdict(list)
    for item, fan, role in rows:
        if role == Credit.Role.VOTER:
            voted[fan].append(item)
        else:
            reporters[item.pk].append(fan)
    single: dict[int, list[int]] = defaultdict(list)
    several: dict[int, list[int]] = defaultdict(list)
    for fan, fan_items in voted.items():
        if len(fan_items) == 1:
            single[fan_items[0].pk].append(fan)
        else:
            several[len(fan_items)].append(fan)
    for item in items:
        _notify_item(release, item, page_url, reporters[item.pk], single[item.pk])
    for count, fans in several.items():
        notify(
            recipients=fans,
            kind="release_vote",
            text=_("%(n)d changes you voted for shipped in %(version)s.")
            % {"n": count, "version": release.version},
            url=page_url,
            event_key=f"release-votes:{release.pk}",
        )


def item_rate(
    *, item: ReleaseItem, fan: Fan, value: str, comment: str = ""
) -> ItemRating:
    """One rating per fan and item; rating again changes it."""
    if not fan.is_authenticated:
        raise PermissionDenied(_("Log in to rate a change."))
    if value not in ItemRating.Value.values:
        raise ValidationError(_("Rate with good, so-so or bad."))
    if not item.release.is_published:
        raise ValidationError(_("Only items of a published release can be rated."))
    comment = (comment or "").strip()[:500]
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                rating = ItemRating.objects.create(
                    item=item, fan=fan, value=value, comment=comment
                )
        except IntegrityError:
            # Already rated (or a concurrent click won the race): change it.
            rating = ItemRating.objects.select_for_update().get(item=item, fan=fan)
            rating.value, rating.updated_at = value, now
            fields = ["value", "updated_at"]
            if comment:
                rating.comment = comment
                fields.append("comment")
            rating.save(update_fields=fields)
        ratings_recount(item=item)
    return rating


def ratings_recount(*, item: ReleaseItem) -> None:
    """Recount an item's ratings, then its theme's satisfaction and reopen flag.

    A theme is flagged for reopening when one of its shipped items has at least
    ``FANLOOP_REOPEN_MIN_RATINGS`` ratings and more than half of them are bad.
    """
    counts = item.ratings.aggregate(
        good=Count("pk", filter=Q(value="good")),
        so_so=Count("pk", filter=Q(value="so-so")),
        bad=Count("pk", filter=Q(value="bad")),
    )
    ReleaseItem.objects.filter(pk=item.pk).update(
        good_count=counts["good"], so_so_count=counts["so_so"], bad_count=counts["bad"]
    )
    item.good_count, item.so_so_count, item.bad_count = (
        counts["good"],
        counts["so_so"],
        counts["bad"],
    )
    siblings = ReleaseItem.objects.filter(
        theme_id=item.theme_id, release__status=Release.Status.PUBLISHED
    ).values_list("good_count", "so_so_count", "bad_count")
    totals = {"good": 0, "so_so": 0, "bad": 0}
    reopen = False
    minimum = settings.FANLOOP_REOPEN_MIN_RATINGS
    for good, so_so, bad in siblings:
        totals["good"] += good
        totals["so_so"] += so_so
        totals["bad"] += bad
        total = good + so_so + bad
        reopen = reopen or (total >= minimum and bad * 2 > total)
    theme_satisfaction_set(theme_id=item.theme_id, counts=totals, reopen=reopen)
    page = ChangelogPage.objects.filter(release_id=item.release_id).first()
    if page is not None:
        changelog_cache_touch(page=page)


def changelog_cache_scope(path: str) -> str:
    return f"changelog-page:{path}"


def changelog_cache_touch(*, page: Page) -> None:
    """Drop cached copies of a changelog page (new rating, new publication)."""
    if page.url:
        scope_touch(changelog_cache_scope(page.url))
