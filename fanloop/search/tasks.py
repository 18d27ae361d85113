"""Background indexing (django-tasks): run at once by the "immediate" backend, or
by ``manage.py db_worker`` with the database backend."""

from __future__ import annotations

from django_tasks import task


@task()
def index_objects(*, kind: str, ids: list[int]) -> int:
    """Re-read these objects of ``kind`` and update the index; returns how many
    documents were written."""
    from fanloop.search.indexing import index_now

    return index_now(kind, ids)
