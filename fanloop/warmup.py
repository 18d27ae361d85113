"""Work a server process does once, when it starts, instead of in its first request."""

import os

from django.conf import settings


def warm_up():
    """Limit the BLAS threads (``limit_threads``); then, with
    ``FANLOOP_INDEX_WARMUP``, load (or build) the similarity index behind theme
    assignment and suggestions on a background thread; the thread, or None.
    Not with ``gunicorn --preload``: threads do not survive the fork into workers."""
    limit_threads()
    if not settings.FANLOOP_INDEX_WARMUP:
        return None
    from feedback.services.index import warm_up as index_warm_up

    return index_warm_up()


def limit_threads():
    """Give NumPy's BLAS ``FANLOOP_BLAS_THREADS`` threads (default one) in a server
    process; the limiter (``restore_original_limits()`` undoes it), or None.

    A request's products are small (a query against the index's vectors), and
    OpenBLAS keeps its other threads spinning for a while after each: with the
    default two threads on 2 cores, creating a post at 100,000 posts took 73 ms
    of CPU for 38 ms of wall time, and 36 ms of CPU with one thread, in the same
    wall time. The spare core is the other worker's. Batch work (``recluster``,
    the task worker, benchmarks) keeps the library's default.
    """
    threads = settings.FANLOOP_BLAS_THREADS
    if threads <= 0:
        return None
    # Libraries loaded later (SciPy's own OpenBLAS) read the variable at load.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(threads))
    import numpy  # noqa: F401 - its BLAS must be loaded to be limited
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=threads, user_api="blas")
