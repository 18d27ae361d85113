"""The weekly release backlog: a frozen, ranked snapshot of open themes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.models import BacklogEntry, PainPoint, Theme, Vote, WeeklyBacklog
from feedback.scoring import ThemeStats, compute_score, spread_aggregates
from feedback.services.counters import theme_fan_counts
from feedback.week import Week

OPEN_STATUSES = [
    Theme.Status.NEW,
    Theme.Status.UNDER_REVIEW,
    Theme.Status.PLANNED,
    Theme.Status.IN_PROGRESS,
]


def _stats_before(cutoff) -> dict[int, ThemeStats]:
    posts = {
        row["theme_id"]: row
        for row in PainPoint.objects.filter(
            theme__isnull=False,
            thread__is_hidden=False,
            created_at__lt=cutoff,
            theme__merged_into__isnull=True,
            theme__status__in=OPEN_STATUSES,
        )
        .values("theme_id")
        .annotate(
            posts=Count("pk"),
            last=Max("created_at"),
            **spread_aggregates(),
        )
    }
    votes = {
        row["post__theme_id"]: row
        for row in Vote.objects.filter(
            post__theme_id__in=list(posts),
            created_at__lt=cutoff,
            post__thread__is_hidden=False,
        )
        .values("post__theme_id")
        .annotate(n=Count("pk"), last=Max("created_at"))
    }
    fans = theme_fan_counts(before=cutoff)
    stats = {}
    for theme_id, row in posts.items():
        vote_row = votes.get(theme_id)
        last = row["last"]
        if vote_row and vote_row["last"] and vote_row["last"] > last:
            last = vote_row["last"]
        stats[theme_id] = (
            ThemeStats(
                fans=fans.get(theme_id, 0),
                mean_severity=float(row["sev"] or 0),
                devices=row["devices"],
                versions=row["versions"],
                last_activity_at=last,
            ),
            row["posts"],
            vote_row["n"] if vote_row else 0,
        )
    return stats


def backlog_build(*, week: Week, rebuild: bool = False) -> WeeklyBacklog:
    """Snapshot week ``week``: rank every open theme by its score at the cut-off.

    A built week is frozen: later votes do not change it, and building it again
    needs ``rebuild=True`` (the ``--rebuild`` flag of ``build_backlog``).
    """
    cutoff = week.cutoff
    if cutoff > timezone.now():
        raise ValidationError(
            _("Week %(week)s is still open until %(cutoff)s.")
            % {"week": week, "cutoff": cutoff.isoformat()}
        )
    existing = WeeklyBacklog.objects.filter(week=str(week)).first()
    if existing and not rebuild:
        raise ValidationError(
            _("The backlog of %(week)s is frozen; rebuild it explicitly.")
            % {"week": week}
        )
    stats = _stats_before(cutoff)
    scored = []
    for theme_id, (theme_stats, posts, votes) in stats.items():
        breakdown = compute_score(theme_stats, now=cutoff)
        scored.append((breakdown, theme_stats.fans, theme_id, posts, votes))
    scored.sort(key=lambda item: (-item[0].total, -item[1], item[2]))
    themes = Theme.objects.in_bulk([item[2] for item in scored])
    previous = dict(
        BacklogEntry.objects.filter(backlog__week=str(week.previous())).values_list(
            "theme_id", "rank"
        )
    )
    with transaction.atomic():
        if existing:
            existing.delete()
        backlog = WeeklyBacklog.objects.create(
            week=str(week), cutoff=cutoff, theme_count=len(scored)
        )
        BacklogEntry.objects.bulk_create(
            [
                BacklogEntry(
                    backlog=backlog,
                    theme_id=theme_id,
                    rank=rank,
                    previous_rank=previous.get(theme_id),
                    score=breakdown.total,
                    breakdown=breakdown.as_dict(),
                    fan_count=fans,
                    vote_count=votes,
                    post_count=posts,
                    status=themes[theme_id].status,
                    title=themes[theme_id].title,
                )
                for rank, (breakdown, fans, theme_id, posts, votes) in enumerate(
                    scored, start=1
                )
            ],
            batch_size=2000,
        )
    return backlog
