"""The searchable kinds, as ``settings.FANLOOP_SEARCH_KINDS`` lists them.

An entry is the dotted path of a ``community.search.SearchKind``. A kind whose model
is not installed (the changelog before the releases app has its page model) is left
out, so a kind can be listed before the app that fills it exists.
"""

from __future__ import annotations

import functools

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import import_string

from community.search import SearchKind


def _model_exists(label: str) -> bool:
    try:
        apps.get_model(label)
    except (LookupError, ValueError):
        return False
    return True


@functools.cache
def kinds() -> dict[str, SearchKind]:
    found: dict[str, SearchKind] = {}
    for path in settings.FANLOOP_SEARCH_KINDS:
        kind = import_string(path)
        if _model_exists(kind.model) and all(map(_model_exists, kind.watch)):
            found[kind.name] = kind
    return found


def get(name: str) -> SearchKind:
    return kinds()[name]
