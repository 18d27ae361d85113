"""The process-wide similarity index behind theme assignment and suggestions.

Vectors are encoded once, when a post is created, and stored on ``PainPoint.vector``.
Each server process keeps one in-memory ``ThemeIndex`` built from those rows and keeps
it current without rebuilding per request:

- new posts: before each use the process loads only rows with a primary key above its
  high-water mark (one indexed query, usually empty) and adds them;
- structural changes (merge, split, move, recluster) bump a generation number in the
  shared cache (Redis in production) on commit; a process that sees a newer generation
  re-reads the (post, theme) pairs and moves only the posts that changed theme.
  Building from scratch (every post's text and vector) happens once per process.

So several web workers share one truth (the database) and converge within one request
of any change. With Elasticsearch configured, the same vectors can be searched there
instead (search issue).
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from feedback import clustering
from feedback.models import PainPoint

logger = logging.getLogger(__name__)

GENERATION_KEY = "fanloop:feedback:index-generation"


class _State:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.index: clustering.ThemeIndex | None = None
        self.generation: int | None = None
        self.watermark = 0
        self.known: set[int] = set()
        self.looked_back_at = float("-inf")


_state = _State()


def get_engine() -> clustering.Engine:
    return clustering.get_engine(settings.FANLOOP_CLUSTER_ENGINE)


def _indexable():
    return PainPoint.objects.filter(vector__isnull=False).exclude(theme__isnull=True)


def _rows(after: int = 0, only: list[int] | None = None):
    qs = _indexable().filter(pk__gt=after)
    if only is not None:
        qs = qs.filter(pk__in=only)
    return (
        qs.order_by("pk")
        .values_list("pk", "vector", "theme_id", "thread__title", "thread__body")
        .iterator(chunk_size=2000)
    )


def _new_rows(watermark: int):
    """Rows not yet indexed above the high-water mark, and at most once every
    ``LOOKBACK_EVERY`` seconds also just below it: first their keys (a cheap index
    scan), then the vectors and texts of only the missing ones."""
    now = time.monotonic()
    floor = watermark
    if now - _state.looked_back_at >= LOOKBACK_EVERY:
        floor = max(0, watermark - LOOKBACK)
        _state.looked_back_at = now
    window = _indexable().filter(pk__gt=floor)
    missing = [
        pk for pk in window.values_list("pk", flat=True) if pk not in _state.known
    ]
    return _rows(only=missing) if missing else []


# Primary keys are handed out before commit, so a slow transaction can commit a lower
# key after a higher one was loaded; re-reading this many keys below the high-water
# mark catches those stragglers (already-known keys are skipped).
LOOKBACK = 500
# Reading those keys costs ~2 ms at every use; a straggler is rare and waits at
# most this long.
LOOKBACK_EVERY = 1.0


def _add_rows(index: clustering.ThemeIndex, rows) -> int:
    top = 0
    for pk, vector, theme_id, title, body in rows:
        top = pk
        if pk in _state.known:
            continue
        index.add(pk, bytes(vector), theme_id, clustering.post_text(title, body))
        _state.known.add(pk)
    return top


def _resync(index: clustering.ThemeIndex) -> bool:
    """Bring the themes of the indexed posts up to date after merges, splits, moves
    or a re-cluster: one query of (post, theme) pairs, then only the posts that
    changed theme are moved (no text or vector is read again) and posts that became
    indexable below the high-water mark are added. False when a post
    this index dropped is indexable again, which needs a rebuild."""
    current = dict(_indexable().values_list("pk", "theme_id"))
    gone = [pk for pk in _state.known if pk not in current]
    for pk in gone:
        index.remove(pk)
    _state.known.difference_update(gone)
    missing = []
    for pk, theme_id in current.items():
        if pk in _state.known:
            if index.theme_of(pk) != theme_id:
                index.move(pk, theme_id)
        elif pk in index.row_of:
            return False
        else:  # e.g. a post placed in a theme for the first time, below the mark
            missing.append(pk)
    for start in range(0, len(missing), 500):
        _add_rows(index, _rows(only=missing[start : start + 500]))
    return True


def get_index() -> clustering.ThemeIndex:
    generation = cache.get(GENERATION_KEY, 0)
    with _state.lock:
        stale = _state.index is not None and _state.generation != generation
        if stale and _resync(_state.index):
            _state.generation = generation
        elif _state.index is None or stale:
            # Building reads every post's text and vector: once per process.
            index = clustering.ThemeIndex(get_engine())
            _state.known = set()
            _state.watermark = _add_rows(index, _rows())
            _state.index = index
            _state.generation = generation
        top = _add_rows(_state.index, _new_rows(_state.watermark))
        _state.watermark = max(_state.watermark, top)
        return _state.index


def index_changed() -> None:
    """Tell every process (on commit) that posts changed theme: reload the index."""

    def bump() -> None:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.set(GENERATION_KEY, 1, timeout=None)

    transaction.on_commit(bump)


def index_reset() -> None:
    """Forget this process's index (tests, after bulk loads)."""
    with _state.lock:
        _state.index = None
        _state.generation = None
        _state.watermark = 0
        _state.known = set()
        _state.looked_back_at = float("-inf")
