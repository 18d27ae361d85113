"""Search backends, loaded the way Django loads cache backends: the setting
``FANLOOP_SEARCH_BACKEND`` names one ("database", "elasticsearch" or a dotted path)
and callers never branch on which one they got.

Every backend offers the same methods:

- ``search(query, filters, offset, limit, facets=True) -> BackendResults``
- ``index(kind, batch, removed)``: write documents, drop ``removed`` ids
- ``rebuild(kind, batches, progress)``: replace a kind's whole index
- ``count(kind) -> int``
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.utils.module_loading import import_string

BACKENDS = {
    "database": "fanloop.search.backends.database.DatabaseBackend",
    "elasticsearch": "fanloop.search.backends.elasticsearch.ElasticsearchBackend",
}


@functools.cache
def get_backend():
    name = settings.FANLOOP_SEARCH_BACKEND
    return import_string(BACKENDS.get(name, name))()
