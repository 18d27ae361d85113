"""Search kinds built from Wagtail page models.

``page_kind`` indexes any Wagtail ``Page`` subclass from the ``search_fields`` it
already declares for Wagtail's own search, so a page model needs nothing new to be
found in the site search. ``CHANGELOGS`` is listed in ``FANLOOP_SEARCH_KINDS`` from the
start; it comes alive when the releases app defines ``ChangelogPage``.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from community.search import BATCH, BODY_CHARS, Document, SearchKind


def _flatten(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [s for item in value for s in _flatten(item)]
    return [str(value)]


def page_document(page) -> Document:
    parts = []
    for search_field in page.get_searchable_search_fields():
        if isinstance(search_field, index.SearchField) and search_field.field_name != (
            "title"
        ):
            parts += _flatten(search_field.get_value(page))
    date = page.first_published_at or page.latest_revision_created_at
    return Document(
        id=page.pk,
        title=page.title,
        body=" ".join(" ".join(parts).split())[:BODY_CHARS],
        created_at=date or page.last_published_at or timezone.now(),
        hidden=not page.live,
    )


def page_kind(model_label: str, *, name: str, label) -> SearchKind:
    def model():
        return apps.get_model(model_label)

    def documents(ids: list[int] | None, vectors: bool = False) -> Iterator[list]:
        qs = model().objects.order_by("pk")
        if ids is not None:
            for start in range(0, len(ids), BATCH):
                pages = qs.filter(pk__in=ids[start : start + BATCH])
                yield [(p.pk, page_document(p)) for p in pages]
            return
        last = 0
        while pages := list(qs.filter(pk__gt=last)[:BATCH]):
            last = pages[-1].pk
            yield [(p.pk, page_document(p)) for p in pages]

    def visible(ids: list[int], viewer) -> dict[int, str]:
        pages = model().objects.live().public().filter(pk__in=ids)
        return {page.pk: page.url for page in pages}

    return SearchKind(
        name=name,
        label=label,
        model=model_label,
        documents=documents,
        visible=visible,
        watch={model_label: lambda page: [page.pk]},
    )


CHANGELOGS = page_kind(
    "releases.ChangelogPage", name="changelog", label=_("Changelogs")
)
