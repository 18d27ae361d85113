"""Who is thanked for a release item: computed from the theme's posts and votes.

The first reporter is the author of the theme's oldest visible post *now*, so a
theme that later absorbed an older duplicate (merge) credits that older report.
Every other author of a post in the theme is a reporter; fans who only voted are
voters. Each fan has one role per item (the highest).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from feedback.models import PainPoint, Vote


@dataclass
class ThemeCredits:
    first_reporter: int | None = None
    reporters: list[int] = field(default_factory=list)
    voters: list[int] = field(default_factory=list)

    @property
    def fan_count(self) -> int:
        first = 1 if self.first_reporter else 0
        return first + len(self.reporters) + len(self.voters)


def credits_compute(*, theme_ids: list[int]) -> dict[int, ThemeCredits]:
    """Credits of several themes in two queries (posts in order; distinct voters)."""
    result: dict[int, ThemeCredits] = defaultdict(ThemeCredits)
    posters: dict[int, set[int]] = defaultdict(set)
    posts = (
        PainPoint.objects.filter(theme_id__in=theme_ids, thread__is_hidden=False)
        .order_by("created_at", "pk")
        .values_list("theme_id", "thread__author_id")
    )
    for theme_id, author_id in posts:
        credits = result[theme_id]
        if credits.first_reporter is None:
            credits.first_reporter = author_id
        elif author_id != credits.first_reporter and author_id not in posters[theme_id]:
            credits.reporters.append(author_id)
        posters[theme_id].add(author_id)
    votes = (
        Vote.objects.filter(post__theme_id__in=theme_ids, post__thread__is_hidden=False)
        .values_list("post__theme_id", "fan_id")
        .distinct()
    )
    voters: dict[int, set[int]] = defaultdict(set)
    for theme_id, fan_id in votes:
        if fan_id not in posters[theme_id]:
            voters[theme_id].add(fan_id)
    for theme_id, fans in voters.items():
        result[theme_id].voters = sorted(fans)
    return dict(result)
