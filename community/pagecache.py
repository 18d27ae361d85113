"""Whole-page cache for anonymous readers of busy pages (boards, changelogs).

A page's cache entries live under a *scope* (``"board:3"``, ``"changelog:12"``) with
a version number that every write touching the scope bumps (new thread, reply, like,
vote, moderation; a rating of a changelog item), so a cached page is never older
than the last change: readers see a new reply or vote at once. Signed-in fans are
never served cached pages (their pages show their own likes, votes and ratings).
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

TIMEOUT = 300


def _version_key(scope: str) -> str:
    return f"fanloop:page-version:{scope}"


def scope_version(scope: str) -> int:
    version = cache.get(_version_key(scope))
    if version is None:
        version = 1
        cache.add(_version_key(scope), version, timeout=None)
    return version


def scope_touch(scope: str) -> None:
    """Invalidate a scope's cached pages once the current transaction commits."""

    def bump() -> None:
        try:
            cache.incr(_version_key(scope))
        except ValueError:
            cache.set(_version_key(scope), 2, timeout=None)

    transaction.on_commit(bump)


def board_touch(board_id: int) -> None:
    scope_touch(f"board:{board_id}")


def page_key(request, scope: str) -> str:
    lang = getattr(request, "LANGUAGE_CODE", "en")
    return (
        f"fanloop:page:{scope}:{scope_version(scope)}:{lang}:{request.get_full_path()}"
    )


def cached_page(request, scope: str, render):
    """Serve ``render()`` from the cache for anonymous GETs; render otherwise.

    A response that sets a cookie (a CSRF token, a message) is never cached.
    """
    if request.user.is_authenticated or request.method != "GET":
        return render()
    key = page_key(request, scope)
    html = cache.get(key)
    if html is not None:
        return HttpResponse(html)
    response = render()
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    if response.status_code == 200 and not response.cookies:
        cache.set(key, response.content, TIMEOUT)
    return response
