"""Background indexing (django-tasks): run at once by the "immediate" backend, or
by ``manage.py db_worker`` with the database backend."""

from __future__ import annotations

from django_tasks import task


@task()
def index_objects(*, kind: str, ids: list[int]) -> int:
    """Re-read these objects of ``kind`` and update the index; returns how many
    documents were written. Commits now queue ``index_changes``; this name stays
    for rows queued before that."""
    return index_changes.call(changes={kind: ids})


@task()
def index_changes(*, changes: dict[str, list[int]]) -> int:
    """``index_objects`` for the objects of several kinds that one transaction
    changed (one task, one queue row, per commit); a kind that fails does not
    keep the others from their update, and the task fails after them."""
    from fanloop.search.indexing import index_now

    written, failed = 0, None
    for kind, ids in sorted(changes.items()):
        try:
            written += index_now(kind, ids)
        except Exception as error:  # noqa: BLE001 - re-raised once the rest is done
            failed = failed or error
    if failed is not None:
        raise failed
    return written
