"""The process-wide similarity index behind theme assignment and suggestions.

Vectors are encoded once, when a post is created, and stored on ``PainPoint.vector``.
Each server process keeps one in-memory ``ThemeIndex`` built from those rows and keeps
it current without rebuilding per request:

- new posts: before each use the process loads only rows with a primary key above its
  high-water mark (one indexed query, usually empty) and adds them;
- structural changes (merge, split, move, recluster) and edits bump a generation
  number in the shared cache (Redis in production) on commit; a process that sees a
  newer generation re-reads the (post, theme, revision) triples, moves only the posts
  that changed theme and replaces only those whose text was edited (a new revision).
  Building from scratch (every post's text and vector) happens once per process,
  and not even that when a snapshot saved by an earlier process is there
  (``settings.FANLOOP_INDEX_SNAPSHOT``): it is loaded, checked against the database
  and brought up to date like an index that saw a structural change.

So several web workers share one truth (the database) and converge within one request
of any change. With Elasticsearch configured, the same vectors can be searched there
instead (search issue).
"""

from __future__ import annotations

import logging
import threading
import time

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from feedback import clustering
from feedback.clustering import snapshot
from feedback.clustering.engine import lexical_terms
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
        # Revision of each indexed post that has been edited (absent: 0).
        self.revisions: dict[int, int] = {}
        self.looked_back_at = float("-inf")
        self.loaded_posts = 0  # posts in the snapshot this index was loaded from


_state = _State()


def get_engine() -> clustering.Engine:
    return clustering.get_engine(settings.FANLOOP_CLUSTER_ENGINE)


def _indexable():
    return PainPoint.objects.filter(vector__isnull=False).exclude(theme__isnull=True)


def _rows(after: int = 0, only: list[int] | None = None):
    qs = _indexable().filter(pk__gt=after)
    if only is not None:
        qs = qs.filter(pk__in=only)
    rows = qs.order_by("pk").values_list(
        "pk", "vector", "theme_id", "thread__title", "thread__body", "revision"
    )
    # The whole table streams in chunks; a few named rows (the posts a request
    # catches up with) come in one query: on PostgreSQL ``iterator()`` declares a
    # server-side cursor, three round trips for one row.
    return rows if only is not None else rows.iterator(chunk_size=2000)


def _new_rows(watermark: int) -> tuple[list, int]:
    """Rows not yet indexed above the high-water mark, and at most once every
    ``LOOKBACK_EVERY`` seconds also just below it: first their keys (a cheap index
    scan), then the vectors and texts of only the missing ones. Also the highest
    key seen, known or not, which becomes the mark: posts this process committed
    are known already (``index_committed``), and without it every later request
    would list them again."""
    now = time.monotonic()
    floor = watermark
    if now - _state.looked_back_at >= LOOKBACK_EVERY:
        floor = max(0, watermark - LOOKBACK)
        _state.looked_back_at = now
    keys = list(_indexable().filter(pk__gt=floor).values_list("pk", flat=True))
    missing = [pk for pk in keys if pk not in _state.known]
    return (_rows(only=missing) if missing else []), max(keys, default=0)


# Primary keys are handed out before commit, so a slow transaction can commit a lower
# key after a higher one was loaded; re-reading this many keys below the high-water
# mark catches those stragglers (already-known keys are skipped).
LOOKBACK = 500
# Reading those keys costs ~2 ms at every use; a straggler is rare and waits at
# most this long.
LOOKBACK_EVERY = 1.0


def _add_rows(index: clustering.ThemeIndex, rows, replace: bool = False) -> int:
    """Add rows not yet indexed (or, with ``replace``, put the new text and vector
    of edited posts in place of the old); returns the highest key seen."""
    top = 0
    for pk, vector, theme_id, title, body, revision in rows:
        top = pk
        text = clustering.post_text(title, body)
        if replace:
            index.replace(pk, bytes(vector), theme_id, text)
        elif pk in _state.known:
            continue
        else:
            index.add(pk, bytes(vector), theme_id, text)
        _state.known.add(pk)
        if revision:
            _state.revisions[pk] = revision
    return top


def _resync(index: clustering.ThemeIndex) -> bool:
    """Bring the indexed posts up to date after merges, splits, moves, a re-cluster
    or edits: one query of (post, theme, revision) triples, then only the posts
    that changed theme are moved (no text or vector is read again), only edited
    posts are read and replaced, and posts that became indexable below the
    high-water mark are added. False when a post this index dropped is indexable
    again, which needs a rebuild."""
    current = {
        pk: (theme_id, revision)
        for pk, theme_id, revision in _indexable().values_list(
            "pk", "theme_id", "revision"
        )
    }
    gone = [pk for pk in _state.known if pk not in current]
    for pk in gone:
        index.remove(pk)
        _state.revisions.pop(pk, None)
    _state.known.difference_update(gone)
    missing, edited = [], []
    for pk, (theme_id, revision) in current.items():
        if pk in _state.known:
            if revision != _state.revisions.get(pk, 0):
                edited.append(pk)
            elif index.theme_of(pk) != theme_id:
                index.move(pk, theme_id)
        elif pk in index.row_of:
            return False
        else:  # e.g. a post placed in a theme for the first time, below the mark
            missing.append(pk)
    for start in range(0, len(edited), 500):
        _add_rows(index, _rows(only=edited[start : start + 500]), replace=True)
    for start in range(0, len(missing), 500):
        top = _add_rows(index, _rows(only=missing[start : start + 500]))
        _state.watermark = max(_state.watermark, top)
    return True


def get_index() -> clustering.ThemeIndex:
    generation = cache.get(GENERATION_KEY, 0)
    with _state.lock:
        stale = _state.index is not None and _state.generation != generation
        loaded = False
        if stale and _resync(_state.index):
            _state.generation = generation
        elif _state.index is None or stale:
            loaded = _state.index is None and _load_snapshot()
            if not loaded:
                _build()
            _state.generation = generation
        rows, highest = _new_rows(_state.watermark)
        top = _add_rows(_state.index, rows)
        _state.watermark = max(_state.watermark, top, highest)
        if loaded:
            behind = len(_state.known) - _state.loaded_posts
            if behind >= SNAPSHOT_REFRESH or behind > _state.loaded_posts:
                save_snapshot()  # far behind: spare the next process the catch-up
        return _state.index


# A loaded snapshot that lacked this many posts, or more than it held, is saved
# again once they are added.
SNAPSHOT_REFRESH = 2000
# Posts whose stored vector and terms are compared with a loaded snapshot's.
SNAPSHOT_CHECKS = 16


def _build() -> None:
    """Build the index from every post's text and vector, then save a snapshot."""
    index = clustering.ThemeIndex(get_engine())
    _state.known = set()
    _state.revisions = {}
    _state.watermark = _add_rows(index, _rows())
    _state.index = index
    save_snapshot()


def _load_snapshot() -> bool:
    """Load the saved index, if there is one made by this engine and code that
    agrees with the database, and bring its themes up to date. False (nothing
    loaded) otherwise."""
    path = settings.FANLOOP_INDEX_SNAPSHOT
    if not path:
        return False
    started = time.perf_counter()
    try:
        loaded = snapshot.load(path, get_engine())
    except Exception:  # a damaged file must not stop the site: rebuild instead
        logger.warning("theme index snapshot %s unreadable", path, exc_info=True)
        return False
    if loaded is None:
        return False
    index, meta = loaded
    n = index.size
    if not _agrees(index):
        logger.info("theme index snapshot %s is of another database", path)
        return False
    _state.index = index
    _state.known = set(index.ids[:n][index.active[:n]].tolist())
    # Which edits the snapshot holds is not saved: its edited posts are read
    # again by the resync below (a few rows; edits are rare).
    _state.revisions = {}
    _state.loaded_posts = len(_state.known)
    _state.watermark = int(meta.get("watermark", 0))
    if not _resync(index):
        index_reset()
        return False
    _log_done("loaded from", path, started)
    return True


def _agrees(index: clustering.ThemeIndex) -> bool:
    """Whether a sample of the snapshot's posts has the same stored vector and the
    same lexical terms in the database (a snapshot of another or a reset
    database, with the same keys for other posts, fails this)."""
    n = index.size
    rows = np.nonzero(index.active[:n])[0]
    if not len(rows):
        return True
    sample = rows[
        np.linspace(0, len(rows) - 1, min(SNAPSHOT_CHECKS, len(rows))).astype(int)
    ]
    by_pk = {int(index.ids[row]): int(row) for row in sample}
    found = (
        _indexable()
        .filter(pk__in=list(by_pk), revision=0)  # edited ones: replaced on resync
        .values_list("pk", "vector", "thread__title", "thread__body")
    )
    seen = 0
    for pk, vector, title, body in found:
        row = by_pk[pk]
        seen += 1
        if index.raw is not None:
            stored, raw = bytes(vector), index.raw[row]
            if stored != (raw.astype(np.float16).tobytes() if raw.any() else b""):
                return False
        terms = lexical_terms(clustering.post_text(title, body))
        if set(terms) != set(index.terms[row]):
            return False
    # A post that is gone is fine (removed on resync); most must be there.
    return seen * 2 >= len(sample)


def save_snapshot() -> bool:
    """Save this process's index for the next process (no-op when snapshots are
    off). A failure to write is logged, never raised: the site works without."""
    path = settings.FANLOOP_INDEX_SNAPSHOT
    if not path or _state.index is None:
        return False
    started = time.perf_counter()
    try:
        with _state.lock:  # re-entrant: get_index holds it when it saves
            snapshot.save(_state.index, path, {"watermark": _state.watermark})
    except Exception:
        logger.warning("theme index snapshot %s not saved", path, exc_info=True)
        return False
    _log_done("saved to", path, started)
    return True


def _log_done(what: str, path: str, started: float) -> None:
    logger.info(
        "theme index: %d posts %s %s in %.1f s",
        len(_state.known),
        what,
        path,
        time.perf_counter() - started,
    )


def warm_up() -> threading.Thread:
    """Load or build the index on a background thread (a server process starting),
    so the first request that needs it finds it ready, or waits only for the rest
    of the load. Returns the started thread."""

    def run() -> None:
        try:
            get_index()
        except Exception:  # the first request will try again
            logger.warning("theme index warm-up failed", exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=run, name="theme-index-warm-up", daemon=True)
    thread.start()
    return thread


def index_committed(post_id: int, vector: bytes, theme_id: int, text: str) -> None:
    """A post this process has just committed goes into its own index at once, so
    its next request does not read the row back (other processes still do)."""
    with _state.lock:
        if _state.index is None or post_id in _state.known:
            return
        _state.index.add(post_id, vector, theme_id, text)
        _state.known.add(post_id)


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
        _state.revisions = {}
        _state.known = set()
        _state.looked_back_at = float("-inf")
        _state.loaded_posts = 0
