"""Keeping the index current.

Apps do not know about the search (they cannot import the project package), so the
project listens: every kind names the models whose writes change it (``watch``), a
save or delete of one of those collects the ids in the current transaction, and on
commit one task re-reads them, kind by kind, and updates the index. With the
"immediate" tasks backend that happens before the response is sent, so a hidden
thread or a merged theme leaves the results within the same request; the query-time
visibility check covers a queued backend's delay.

Writes through ``QuerySet.update()`` send no signal; the PM decisions that use it
(merge, split, move, ship) also write a ``ThemeEvent``, which the feedback kinds
watch. Bulk seeding needs ``search_index``.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict

from django.apps import apps
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from fanloop.search import registry
from fanloop.search.backends import get_backend

logger = logging.getLogger(__name__)


def index_now(kind_name: str, ids: list[int]) -> int:
    """Write the current state of these objects to the index (or remove them)."""
    kind = registry.kinds().get(kind_name)
    if kind is None or not ids:
        return 0
    backend = get_backend()
    wanted = sorted(set(ids))
    written = 0
    seen: set[int] = set()
    for batch in kind.documents(wanted, vectors=backend.wants_vectors):
        seen.update(pk for pk, _doc in batch)
        backend.index(kind.name, batch)
        written += sum(1 for _pk, doc in batch if doc is not None)
    gone = [pk for pk in wanted if pk not in seen]
    if gone:
        backend.index(kind.name, [], removed=gone)
    return written


def _enqueue(changes: dict[str, list[int]]) -> None:
    from fanloop.search.tasks import index_changes

    try:
        index_changes.enqueue(changes=changes)
    except Exception:  # the write succeeded; a stale index must not undo that
        logger.exception("search: could not index %s", changes)


_pending = threading.local()


def schedule(kind: str, ids: list[int]) -> None:
    """Index these objects once the current transaction commits.

    Writes of one transaction are pooled: creating a post saves its thread, its
    pain point twice and a theme, and the first commit hook indexes them all (one
    task for every kind: one queue row, one commit) while the others find nothing
    left. Ids left over from a
    rolled-back transaction are indexed with the next commit, which is harmless:
    indexing re-reads the rows, and a row that does not exist leaves the index.
    """
    if not ids:
        return
    pending = getattr(_pending, "ids", None)
    if pending is None:
        pending = _pending.ids = defaultdict(set)
    pending[kind].update(ids)
    transaction.on_commit(_flush)


def _flush() -> None:
    pending = getattr(_pending, "ids", None)
    _pending.ids = None
    if pending:
        _enqueue({kind: sorted(ids) for kind, ids in pending.items()})


def _on_change(sender, instance, created=False, **kwargs) -> None:
    label = sender._meta.label
    for kind in registry.kinds().values():
        affected = kind.watch.get(label)
        if affected is None or (created and getattr(affected, "on_update_only", 0)):
            continue
        schedule(kind.name, affected(instance))


def _reset(*, setting, **kwargs) -> None:
    if setting in {"FANLOOP_SEARCH_KINDS", "FANLOOP_SEARCH_BACKEND"}:
        registry.kinds.cache_clear()
        get_backend.cache_clear()


def connect() -> None:
    labels = {label for kind in registry.kinds().values() for label in kind.watch}
    for label in labels:
        model = apps.get_model(label)
        post_save.connect(_on_change, sender=model, dispatch_uid=f"search-{label}")
        post_delete.connect(
            _on_change, sender=model, dispatch_uid=f"search-del-{label}"
        )
    setting_changed.connect(_reset, dispatch_uid="search-settings")
