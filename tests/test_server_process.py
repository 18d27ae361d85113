"""What a server process sets up once when it starts (fanloop/warmup.py)."""

import pytest
from django.db import connection
from threadpoolctl import threadpool_info

from fanloop.warmup import limit_threads


def _blas_threads():
    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]


def test_a_server_process_runs_blas_on_one_thread(settings):
    settings.FANLOOP_BLAS_THREADS = 1
    limiter = limit_threads()
    try:
        assert _blas_threads() and set(_blas_threads()) == {1}
    finally:
        limiter.restore_original_limits()


def test_zero_keeps_the_library_default(settings):
    settings.FANLOOP_BLAS_THREADS = 0
    before = _blas_threads()
    assert limit_threads() is None
    assert _blas_threads() == before


@pytest.mark.django_db(transaction=True)
def test_postgres_connections_are_lent_by_a_pool_not_opened_per_request():
    """Under ASGI a request's connection is closed as it ends (Django's test
    client keeps it, so the test closes it as a request's end does); on
    PostgreSQL the pool keeps it open for the next request instead of forking
    a new backend."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite opens a file, not a server connection")
    assert connection.pool is not None
    pids = []
    for _request in range(10):
        pids.append(_backend_pid())
        connection.close()
        assert connection.connection is None
    # The pool lends its few idle connections in turn; without it every
    # request's connection is a new server process.
    assert len(set(pids)) <= 3, pids


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]
