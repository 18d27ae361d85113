"""The backlog score: explainable, so a PM can see why a theme ranks where it does.

score = recency × (w_fans·ln(1 + fans) + w_severity·mean severity
                   + w_spread·ln(1 + devices + versions)),
recency = 0.5 ** (days since last activity / half-life).

Each component is reported already multiplied by recency, so the parts add up to the
total. Logarithms give diminishing returns: the 500th fan matters less than the 5th, so
one viral thread cannot bury every other theme. Weights and half-life are settings
(``FANLOOP_SCORE_WEIGHTS``, ``FANLOOP_SCORE_HALF_LIFE_DAYS``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Avg, Count, Q
from django.utils import timezone


@dataclass(frozen=True)
class ThemeStats:
    fans: int
    mean_severity: float
    devices: int
    versions: int
    last_activity_at: datetime


@dataclass(frozen=True)
class ScoreBreakdown:
    fans: float
    severity: float
    spread: float
    recency: float
    total: float

    def as_dict(self) -> dict:
        return asdict(self)


def compute_score(stats: ThemeStats, *, now: datetime | None = None) -> ScoreBreakdown:
    weights = settings.FANLOOP_SCORE_WEIGHTS
    half_life = settings.FANLOOP_SCORE_HALF_LIFE_DAYS
    now = now or timezone.now()
    age_days = max(0.0, (now - stats.last_activity_at).total_seconds() / 86400)
    recency = 0.5 ** (age_days / half_life)
    fans = weights["fans"] * math.log1p(stats.fans) * recency
    severity = weights["severity"] * stats.mean_severity * recency
    spread = weights["spread"] * math.log1p(stats.devices + stats.versions) * recency
    parts = [round(fans, 3), round(severity, 3), round(spread, 3)]
    return ScoreBreakdown(
        fans=parts[0],
        severity=parts[1],
        spread=parts[2],
        recency=round(recency, 4),
        total=round(sum(parts), 3),
    )


def spread_aggregates() -> dict:
    """Aggregates over a theme's posts that the score needs besides its fans:
    mean severity and how many distinct devices and versions are affected."""
    return {
        "sev": Avg("severity"),
        "devices": Count("device_model", distinct=True, filter=~Q(device_model="")),
        "versions": Count("os_version", distinct=True, filter=~Q(os_version="")),
    }


def theme_stats(theme) -> ThemeStats:
    from feedback.models import PainPoint  # models import this module's callers

    posts = PainPoint.objects.filter(theme=theme, thread__is_hidden=False)
    agg = posts.aggregate(**spread_aggregates())
    return ThemeStats(
        fans=theme.fan_count,
        mean_severity=float(agg["sev"] or 0.0),
        devices=agg["devices"] or 0,
        versions=agg["versions"] or 0,
        last_activity_at=theme.last_activity_at,
    )


def score_theme(theme, *, now: datetime | None = None) -> ScoreBreakdown:
    return compute_score(theme_stats(theme), now=now)
