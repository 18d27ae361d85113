"""Work a server process does once, when it starts, instead of in its first request."""

from django.conf import settings


def warm_up():
    """With ``FANLOOP_INDEX_WARMUP``, load (or build) the similarity index behind
    theme assignment and suggestions on a background thread; the thread, or None.
    Not with ``gunicorn --preload``: threads do not survive the fork into workers."""
    if not settings.FANLOOP_INDEX_WARMUP:
        return None
    from feedback.services.index import warm_up as index_warm_up

    return index_warm_up()
