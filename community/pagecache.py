"""Whole-page cache for anonymous readers of board pages.

A board's pages are cached under a version number that every write touching the board
bumps (new thread, reply, like, vote, moderation), so a cached page is never older
than the last change: readers see a new reply or vote at once. Signed-in fans are
never served cached pages (their pages show their own likes and votes).
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

TIMEOUT = 300


def _version_key(board_id: int) -> str:
    return f"fanloop:board-version:{board_id}"


def board_version(board_id: int) -> int:
    version = cache.get(_version_key(board_id))
    if version is None:
        version = 1
        cache.add(_version_key(board_id), version, timeout=None)
    return version


def board_touch(board_id: int) -> None:
    """Invalidate a board's cached pages once the current transaction commits."""

    def bump() -> None:
        try:
            cache.incr(_version_key(board_id))
        except ValueError:
            cache.set(_version_key(board_id), 2, timeout=None)

    transaction.on_commit(bump)


def page_key(request, board_id: int) -> str:
    lang = getattr(request, "LANGUAGE_CODE", "en")
    return (
        f"fanloop:board-page:{board_id}:{board_version(board_id)}:{lang}:"
        f"{request.get_full_path()}"
    )


def cached_page(request, board_id: int, render):
    """Serve ``render()`` from the cache for anonymous GETs; render otherwise."""
    if request.user.is_authenticated or request.method != "GET":
        return render()
    key = page_key(request, board_id)
    html = cache.get(key)
    if html is not None:
        from django.http import HttpResponse

        return HttpResponse(html)
    response = render()
    if response.status_code == 200 and not response.cookies:
        cache.set(key, response.content, TIMEOUT)
    return response
