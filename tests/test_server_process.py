"""What a server process sets up once when it starts (fanloop/warmup.py)."""

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
