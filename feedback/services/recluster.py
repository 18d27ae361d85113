"""Batch re-clustering of the whole corpus, respecting every human decision.

- posts a person placed (moved, split, merged: ``theme_pinned``) stay where they are
  and anchor their theme;
- each new cluster keeps the identity of the existing theme it overlaps most, so theme
  pages, votes, statuses and notes survive; only unclaimed clusters open new themes;
- titles a person wrote (``title_locked``) are never replaced by automatic labels;
- merged themes stay merged (their posts are pinned to the survivor).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from feedback import clustering
from feedback.models import PainPoint, Theme, ThemeEvent
from feedback.services.counters import themes_recount_all
from feedback.services.index import get_engine, index_changed

MOVE_BATCH = 1000  # post ids per UPDATE (SQLite binds each id as a parameter)


def _load_posts() -> tuple[list[clustering.PostText], list[bytes]]:
    posts, vectors = [], []
    rows = (
        PainPoint.objects.filter(vector__isnull=False, thread__is_hidden=False)
        .order_by("pk")
        .values_list(
            "pk", "thread__title", "thread__body", "theme_id", "theme_pinned", "vector"
        )
        .iterator(chunk_size=5000)
    )
    for pk, title, body, theme_id, pinned, vector in rows:
        posts.append(
            clustering.PostText(
                id=pk, title=title, body=body, theme_id=theme_id, pinned=pinned
            )
        )
        vectors.append(bytes(vector))
    return posts, vectors


def _nulls_first(theme_id: int | None) -> tuple[bool, int]:
    return (theme_id is not None, theme_id or 0)


def _claim_themes(drafts, current: dict[int, int | None]) -> list[int | None]:
    """Give each draft the existing theme it shares most posts with (each used once)."""
    candidates = []
    for i, draft in enumerate(drafts):
        overlap = Counter(current.get(pid) for pid in draft.post_ids)
        overlap.pop(None, None)
        for theme_id, n in overlap.items():
            candidates.append((n, -i, theme_id, i))
    candidates.sort(reverse=True)
    claimed: list[int | None] = [None] * len(drafts)
    used: set[int] = set()
    for _n, _neg, theme_id, i in candidates:
        if claimed[i] is None and theme_id not in used:
            claimed[i] = theme_id
            used.add(theme_id)
    return claimed


def recluster_all(*, progress: Callable[[str], object] = lambda _m: None) -> str:
    started = timezone.now()
    clock = time.perf_counter()
    posts, vectors = _load_posts()
    progress(f"Loaded {len(posts)} posts in {time.perf_counter() - clock:.1f} s.")
    if not posts:
        return "No posts to cluster."
    clock = time.perf_counter()
    drafts = clustering.recluster(get_engine(), posts, vectors)
    progress(
        f"Engine proposed {len(drafts)} themes in {time.perf_counter() - clock:.1f} s."
    )
    current = {p.id: p.theme_id for p in posts}
    pinned = {p.id for p in posts if p.pinned}
    claimed = _claim_themes(drafts, current)
    live = set(
        Theme.objects.filter(merged_into__isnull=True).values_list("pk", flat=True)
    )
    moved = created = 0
    with transaction.atomic():
        locked = set(
            Theme.objects.filter(title_locked=True).values_list("pk", flat=True)
        )
        gained: dict[int, list[int]] = {}
        sources: dict[int, set[int | None]] = {}
        relabel: list[Theme] = []
        board_of = dict(
            PainPoint.objects.values_list("pk", "thread__board_id").filter(
                pk__in=[p.id for p in posts]
            )
        )
        for draft, theme_id in zip(drafts, claimed, strict=True):
            if theme_id is None or theme_id not in live:
                boards = Counter(board_of.get(pid) for pid in draft.post_ids)
                theme = Theme.objects.create(
                    title=(draft.label or "…")[:200],
                    board_id=boards.most_common(1)[0][0],
                    top_terms=list(draft.terms)[:10],
                )
                theme_id = theme.pk
                gained[theme_id] = []
                created += 1
            elif theme_id not in locked:
                relabel.append(
                    Theme(
                        pk=theme_id,
                        title=(draft.label or "…")[:200],
                        top_terms=list(draft.terms)[:10],
                    )
                )
            for pid in draft.post_ids:
                # A person placed this post: whatever the engine says, it stays.
                if pid in pinned:
                    continue
                if current.get(pid) != theme_id:
                    gained.setdefault(theme_id, []).append(pid)
                    sources.setdefault(theme_id, set()).add(current.get(pid))
                    moved += 1
        clock = time.perf_counter()
        for theme_id, post_ids in gained.items():
            # One UPDATE per theme and batch of posts: bulk_update would write a
            # CASE of every moved post's new theme (100,000 posts: 16 s against 1 s).
            for start in range(0, len(post_ids), MOVE_BATCH):
                PainPoint.objects.filter(
                    pk__in=post_ids[start : start + MOVE_BATCH]
                ).update(theme_id=theme_id)
            # A history entry for the theme that opened or gained posts, written
            # after the move: it tells PMs which posts came and from which themes,
            # and the search index re-reads those themes and (where their statuses
            # differ) the posts it names (a bulk update sends no signal).
            ThemeEvent.objects.create(
                theme_id=theme_id,
                action=ThemeEvent.Action.RECLUSTER,
                # null among them: posts that had no theme
                before={"from": sorted(sources.get(theme_id, ()), key=_nulls_first)},
                after={"posts": post_ids},
            )
        Theme.objects.bulk_update(relabel, ["title", "top_terms"], batch_size=1000)
        themes_recount_all()
        index_changed()
        progress(
            f"Moved {moved} posts and recounted the themes in "
            f"{time.perf_counter() - clock:.1f} s."
        )
        clock = time.perf_counter()
    progress(
        f"Committed in {time.perf_counter() - clock:.1f} s (search indexing included)."
    )
    seconds = (timezone.now() - started).total_seconds()
    return (
        f"Re-clustered {len(posts)} posts into {len(drafts)} themes "
        f"({created} new, {moved} posts moved) in {seconds:.1f} s."
    )
