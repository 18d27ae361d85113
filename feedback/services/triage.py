"""Decisions a product manager makes about themes.

Each one checks the PM role, writes in one transaction, records a ``ThemeEvent`` with
before/after, and pins what a person decided so re-clustering never undoes it: a
renamed theme keeps its title (``title_locked``), a moved/merged/split post keeps its
theme (``PainPoint.theme_pinned``).
"""

from __future__ import annotations

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Fan
from community.services.notifications import notify
from feedback.models import PainPoint, Theme, ThemeEvent
from feedback.services.counters import theme_fan_ids, themes_recount
from feedback.services.index import index_changed
from feedback.services.realtime import publish_themes


def _posts_moved(theme_ids: list[int | None]) -> None:
    """After posts changed theme: count those themes again, tell every process's
    similarity index, and once committed show the themes' live viewers their new
    counts."""
    counts = themes_recount(theme_ids)
    index_changed()
    transaction.on_commit(partial(publish_themes, counts))


def require_pm(fan: Fan) -> None:
    if not fan.is_authenticated or not fan.is_pm:
        raise PermissionDenied(_("Only product managers can do this."))


def _event(theme: Theme, by: Fan | None, action: str, before=None, after=None):
    return ThemeEvent.objects.create(
        theme=theme, actor=by, action=action, before=before or {}, after=after or {}
    )


def theme_fanout(*, theme: Theme, event: ThemeEvent, text: str) -> int:
    """Tell every fan behind the theme, once each, about one change.

    The recipients come from one UNION query (a fan who posted twice and voted is one
    id) and the rows from one bulk insert; the event key makes a retry harmless.
    """
    return notify(
        recipients=theme_fan_ids(theme_id=theme.pk),
        kind=f"theme_{event.action}",
        text=text,
        url=theme.get_absolute_url(),
        event_key=f"theme-event:{event.pk}",
        email_subject=_("Update on “%(title)s”") % {"title": theme.title[:80]},
    )


@transaction.atomic
def theme_rename(*, theme: Theme, title: str, by: Fan) -> Theme:
    require_pm(by)
    title = title.strip()
    if not title:
        raise ValidationError(_("A theme needs a title."))
    before = {"title": theme.title}
    theme.title = title[:200]
    theme.title_locked = True
    theme.save(update_fields=["title", "title_locked"])
    _event(theme, by, ThemeEvent.Action.RENAME, before, {"title": theme.title})
    return theme


@transaction.atomic
def theme_set_status(*, theme: Theme, status: str, by: Fan) -> Theme:
    require_pm(by)
    if status not in Theme.Status.values:
        raise ValidationError(_("Unknown status."))
    if status == Theme.Status.DUPLICATE and theme.merged_into_id is None:
        raise ValidationError(_("Mark a duplicate by merging it into another theme."))
    if status == theme.status:
        return theme
    before = {"status": theme.status}
    theme.status = status
    theme.save(update_fields=["status"])
    event = _event(theme, by, ThemeEvent.Action.STATUS, before, {"status": status})
    theme_fanout(
        theme=theme,
        event=event,
        text=_("“%(title)s” is now %(status)s.")
        % {"title": theme.title[:120], "status": theme.get_status_display()},
    )
    return theme


@transaction.atomic
def theme_set_notes(
    *,
    theme: Theme,
    by: Fan,
    public_note: str | None = None,
    internal_note: str | None = None,
) -> Theme:
    require_pm(by)
    before, after, fields = {}, {}, []
    for name, value in (("public_note", public_note), ("internal_note", internal_note)):
        if value is not None and value != getattr(theme, name):
            before[name], after[name] = getattr(theme, name), value
            setattr(theme, name, value)
            fields.append(name)
    if fields:
        theme.save(update_fields=fields)
        event = _event(theme, by, ThemeEvent.Action.NOTE, before, after)
        if "public_note" in after and after["public_note"].strip():
            theme_fanout(
                theme=theme,
                event=event,
                text=_("News on “%(title)s”: %(note)s")
                % {"title": theme.title[:100], "note": after["public_note"][:150]},
            )
    return theme


@transaction.atomic
def theme_merge(*, source: Theme, into: Theme, by: Fan) -> Theme:
    """Fold ``source`` into ``into``: its posts (and so their votes) move over.

    Fans are never double-counted because the fan count is recomputed as a UNION of
    posters and voters of the surviving theme.
    """
    require_pm(by)
    source = Theme.objects.select_for_update().get(pk=source.pk)
    into = Theme.objects.select_for_update().get(pk=into.pk)
    if source.pk == into.pk:
        raise ValidationError(_("A theme cannot be merged into itself."))
    if source.merged_into_id or into.merged_into_id:
        raise ValidationError(_("That theme was already merged into another one."))
    post_ids = list(source.posts.values_list("pk", flat=True))
    PainPoint.objects.filter(pk__in=post_ids).update(theme=into, theme_pinned=True)
    before = {"status": source.status, "posts": post_ids}
    source.status = Theme.Status.DUPLICATE
    source.merged_into = into
    source.save(update_fields=["status", "merged_into"])
    _event(source, by, ThemeEvent.Action.MERGE, before, {"into": into.pk})
    _event(
        into, by, ThemeEvent.Action.MERGE, {}, {"from": source.pk, "posts": post_ids}
    )
    _posts_moved([source.pk, into.pk])
    return into


@transaction.atomic
def theme_unmerge(*, source: Theme, by: Fan) -> Theme:
    """Undo the last merge of ``source``: the posts it had come back to it."""
    require_pm(by)
    source = Theme.objects.select_for_update().get(pk=source.pk)
    if source.merged_into_id is None:
        raise ValidationError(_("This theme is not merged."))
    merge = source.events.filter(action=ThemeEvent.Action.MERGE).first()
    post_ids = merge.before.get("posts", []) if merge else []
    into_id = source.merged_into_id
    # Only posts still in the surviving theme come back; a later move by a person wins.
    PainPoint.objects.filter(pk__in=post_ids, theme_id=into_id).update(theme=source)
    previous = merge.before.get("status", Theme.Status.NEW) if merge else "new"
    source.status = previous
    source.merged_into = None
    source.save(update_fields=["status", "merged_into"])
    _event(
        source, by, ThemeEvent.Action.UNMERGE, {"into": into_id}, {"posts": post_ids}
    )
    _event(
        Theme.objects.get(pk=into_id),
        by,
        ThemeEvent.Action.UNMERGE,
        {"from": source.pk},
        {},
    )
    _posts_moved([source.pk, into_id])
    return source


@transaction.atomic
def theme_split(
    *, theme: Theme, post_ids: list[int], by: Fan, title: str = ""
) -> Theme:
    """Move some posts of ``theme`` into a new theme."""
    require_pm(by)
    post_ids = list(theme.posts.filter(pk__in=post_ids).values_list("pk", flat=True))
    if not post_ids:
        raise ValidationError(_("Choose posts of this theme to split off."))
    if len(post_ids) == theme.posts.count():
        raise ValidationError(_("Leave at least one post in the original theme."))
    first = PainPoint.objects.select_related("thread").get(pk=post_ids[0])
    new = Theme.objects.create(
        title=(title.strip() or first.thread.title)[:200],
        title_locked=bool(title.strip()),
        board_id=theme.board_id,
        created_at=timezone.now(),
    )
    PainPoint.objects.filter(pk__in=post_ids).update(theme=new, theme_pinned=True)
    _event(theme, by, ThemeEvent.Action.SPLIT, {"posts": post_ids}, {"to": new.pk})
    _event(new, by, ThemeEvent.Action.SPLIT, {"from": theme.pk}, {"posts": post_ids})
    _posts_moved([theme.pk, new.pk])
    return new


@transaction.atomic
def post_move(*, post: PainPoint, into: Theme, by: Fan) -> PainPoint:
    require_pm(by)
    if into.merged_into_id:
        raise ValidationError(
            _("That theme was merged; move the post to its survivor.")
        )
    old = post.theme_id
    post.theme = into
    post.theme_pinned = True
    post.save(update_fields=["theme", "theme_pinned"])
    if old:
        _event(
            Theme.objects.get(pk=old),
            by,
            ThemeEvent.Action.MOVE,
            {"post": post.pk},
            {"to": into.pk},
        )
    _event(into, by, ThemeEvent.Action.MOVE, {"from": old}, {"post": post.pk})
    _posts_moved([old, into.pk])
    return post


@transaction.atomic
def theme_plan(*, theme: Theme, version: str, by: Fan) -> Theme:
    """Plan a theme for a target version (the releases app turns these into items)."""
    require_pm(by)
    version = version.strip()[:40]
    before = {"target_version": theme.target_version, "status": theme.status}
    theme.target_version = version
    theme.save(update_fields=["target_version"])
    _event(theme, by, ThemeEvent.Action.PLAN, before, {"target_version": version})
    if version and theme.status in {Theme.Status.NEW, Theme.Status.UNDER_REVIEW}:
        theme_set_status(theme=theme, status=Theme.Status.PLANNED, by=by)
    return theme


@transaction.atomic
def themes_ship(*, theme_ids: list[int], version: str, by: Fan) -> int:
    """Mark themes shipped in ``version``; returns how many changed status.

    Called by the releases app when a release is published. It tells the fans
    itself (one notification naming the release), so there is no fan-out here.
    Survivors are used for merged themes; an audit event is written per theme.
    """
    require_pm(by)
    themes = list(
        Theme.objects.select_for_update()
        .filter(pk__in=theme_ids)
        .exclude(status=Theme.Status.SHIPPED, target_version=version)
    )
    if not themes:
        return 0
    changed = Theme.objects.filter(pk__in=[t.pk for t in themes]).update(
        status=Theme.Status.SHIPPED, target_version=version, reopen_suggested=False
    )
    for theme in themes:  # one row each (a release has tens): listeners see them
        _event(
            theme,
            by,
            ThemeEvent.Action.SHIP,
            {"status": theme.status, "target_version": theme.target_version},
            {"status": Theme.Status.SHIPPED, "target_version": version},
        )
    return changed


def theme_satisfaction_set(
    *, theme_id: int, counts: dict[str, int], reopen: bool
) -> None:
    """Store fans' ratings of a theme's shipped items and the reopen flag.

    The releases app owns ratings and the rule for ``reopen``; triage shows both.
    """
    Theme.objects.filter(pk=theme_id).update(
        satisfaction=counts, reopen_suggested=reopen
    )
