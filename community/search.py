"""What the community app puts into the site search, and the hook its API uses.

The search service lives in the project package (``fanloop/search``), which may import
every app; apps never import it. So the contract between them is defined here, in the
lowest app:

- ``SearchKind``: one kind of searchable object (posts, themes, changelog pages). An
  app declares its kinds in its own ``search.py`` and the project lists them in
  ``settings.FANLOOP_SEARCH_KINDS``. A kind builds index documents from its rows,
  says which rows a viewer may see, and names the models whose writes change it.
- ``search_ids``: the hook the apps' JSON API and triage screen call for ``q=``. The
  project registers the real engine at start-up (``register_engine``); without one
  (an app used alone) callers fall back to their own simple filter.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.models import TaggedItem

from community.models import Thread
from community.selectors import can_moderate

# Index documents carry at most this much body text (for snippets and terms): long
# posts are rare and their first few thousand characters say what they are about.
BODY_CHARS = 4000
BATCH = 2000


@dataclass
class Document:
    """What a search backend stores for one object."""

    id: int
    title: str
    body: str
    created_at: datetime
    board: int | None = None
    status: str = ""
    tags: list[str] = field(default_factory=list)
    hidden: bool = False
    # The feedback engine's stored vector (posts only), for kNN in Elasticsearch.
    vector: list[float] | None = None


@dataclass(frozen=True)
class SearchKind:
    """One kind of searchable object.

    ``documents(ids, vectors=False)`` yields batches of ``(id, Document | None)``
    for those ids, or for every row when ``ids`` is None; ``None`` means "keep out
    of the index" (a merged theme), and an id it does not yield (a deleted row)
    leaves the index too.
    ``visible(ids, viewer)`` returns ``{id: url}`` for the ids the viewer may open: the
    service drops every hit that is not there, so rules are checked at query time
    even if the index lags. ``watch`` maps a model label to a function from a saved or
    deleted instance to the ids of this kind it changes.
    """

    name: str
    label: Any
    model: str
    documents: Callable[..., Iterator[list[tuple[int, Document | None]]]]
    visible: Callable[[list[int], Any], dict[int, str]]
    watch: dict[str, Callable[[Any], list[int]]] = field(default_factory=dict)
    statuses: list[tuple[str, Any]] = field(default_factory=list)


def on_update_only(watch: Callable[[Any], list[int]]) -> Callable[[Any], list[int]]:
    """Mark a ``watch`` function that can find nothing for a row just inserted
    (no pain point points at a thread being created): it is then not called,
    which spares its query on every new post."""
    watch.on_update_only = True  # type: ignore[attr-defined]
    return watch


class SearchQueryError(ValueError):
    """A query the engine refuses (too long, nothing to look for); the message is
    written for the person who typed it."""


_engine: Callable[..., list[int]] | None = None


def register_engine(engine: Callable[..., list[int]] | None) -> None:
    """Install the site search engine (the project does it once, at start-up)."""
    global _engine
    _engine = engine


def search_ids(
    *, query: str, kind: str, viewer, limit: int = 500, **filters
) -> list[int] | None:
    """Ids of ``kind`` matching ``query`` that ``viewer`` may see, best first.

    None when no engine is registered. Raises ``SearchQueryError`` for a query the
    engine refuses.
    """
    if _engine is None:
        return None
    return _engine(query=query, kind=kind, viewer=viewer, limit=limit, **filters)


# --- Threads ----------------------------------------------------------------------

_MARKUP_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)|\]\([^)]*\)|[`*_#>\[\]|~]+")


def plain_text(markdown: str) -> str:
    """Markdown source without its markup, on one line: cheap enough for bulk
    indexing (rendering 100,000 posts through the Markdown parser is not)."""
    return " ".join(_MARKUP_RE.sub(" ", markdown or "").split())[:BODY_CHARS]


def thread_tags(ids: list[int]) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = {}
    rows = TaggedItem.objects.filter(
        content_type__app_label="community",
        content_type__model="thread",
        object_id__in=ids,
    ).values_list("object_id", "tag__slug")
    for object_id, slug in rows:
        tags.setdefault(object_id, []).append(slug)
    return tags


def thread_rows(ids: list[int] | None, extra: Iterable[str] = ()) -> Iterator[list]:
    """Batches of thread rows (dicts) in primary-key order."""
    fields = ["id", "title", "body", "created_at", "board_id", "is_hidden", *extra]
    qs = Thread.objects.order_by("pk").values(*fields)
    if ids is not None:
        for start in range(0, len(ids), BATCH):
            yield list(qs.filter(pk__in=ids[start : start + BATCH]))
        return
    yield from pk_batches(qs)


def pk_batches(qs):
    """All rows of a ``values()`` queryset ordered by pk, in batches (keyset
    pagination: each batch is one indexed range query, however deep)."""
    last = 0
    while True:
        rows = list(qs.filter(pk__gt=last)[:BATCH])
        if not rows:
            return
        last = rows[-1]["id"]
        yield rows


def thread_document(row: dict, tags: list[str]) -> Document:
    return Document(
        id=row["id"],
        title=row["title"],
        body=plain_text(row["body"]),
        created_at=row["created_at"],
        board=row["board_id"],
        tags=tags,
        hidden=row["is_hidden"],
    )


def thread_documents(ids: list[int] | None, vectors: bool = False) -> Iterator[list]:
    for rows in thread_rows(ids):
        tags = thread_tags([r["id"] for r in rows])
        yield [(r["id"], thread_document(r, tags.get(r["id"], []))) for r in rows]


def visible_threads(ids: list[int], viewer) -> dict[int, str]:
    qs = Thread.objects.filter(pk__in=ids)
    if not can_moderate(viewer):
        qs = qs.filter(is_hidden=False)
    return {
        pk: reverse("community:thread", kwargs={"pk": pk})
        for pk in qs.values_list("pk", flat=True)
    }


THREADS = SearchKind(
    name="post",
    label=_("Posts"),
    model="community.Thread",
    documents=thread_documents,
    visible=visible_threads,
    watch={"community.Thread": lambda thread: [thread.pk]},
)
