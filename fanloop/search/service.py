"""The search service: one ``search()`` for the search page, the JSON API's ``q=``
and the triage screen, whatever backend is configured.

A search runs in the backend, then each kind's ``visible()`` check drops what the
viewer may not open (hidden threads for fans, merged themes): the index may lag a
write by a moment, the rules never do.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe

from community.search import SearchQueryError
from community.selectors import can_moderate
from fanloop.search import registry
from fanloop.search.backends import get_backend
from fanloop.search.query import ParsedQuery, parse
from fanloop.search.types import Filters, Hit

PAGE_SIZE = 20
MAX_PAGES = 50
SNIPPET_CHARS = 240

__all__ = ["SearchQueryError", "SearchResults", "search", "search_ids"]


@dataclass
class SearchResults:
    query: ParsedQuery
    hits: list[Hit]
    total: int
    page: int
    page_size: int
    facets: dict[str, dict] = field(default_factory=dict)
    capped: bool = False

    @property
    def num_pages(self) -> int:
        return min(MAX_PAGES, max(1, -(-self.total // self.page_size)))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _filters(viewer, kinds=(), **filters) -> Filters:
    """Backend filters; no kind named (or none known) means every kind."""
    known = registry.kinds()
    kinds = tuple(k for k in kinds if k in known)
    return Filters(kinds=kinds, include_hidden=can_moderate(viewer), **filters)


def search(
    query: str, filters: dict | None = None, page: int = 1, *, viewer
) -> SearchResults:
    """One page of results for ``query`` that ``viewer`` may see.

    ``filters``: ``kinds`` (names), ``board`` (id), ``status``, ``tag`` (slug),
    ``since`` (aware datetime). Raises ``SearchQueryError`` with a message for the
    person when the query is refused.
    """
    parsed = parse(query)
    page = max(1, min(int(page), MAX_PAGES))
    backend = get_backend()
    found = backend.search(
        parsed,
        _filters(viewer, **(filters or {})),
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    hits = _visible(found.hits, viewer)
    for hit in hits:
        hit.snippet = snippet(hit.body, parsed.terms)
    return SearchResults(
        query=parsed,
        hits=hits,
        total=found.total - (len(found.hits) - len(hits)),
        page=page,
        page_size=PAGE_SIZE,
        facets=found.facets,
        capped=found.capped,
    )


def search_ids(*, query: str, kind: str, viewer, limit: int = 500, **filters):
    """Ids of one kind, best first: the engine behind ``community.search``'s hook."""
    parsed = parse(query)
    found = get_backend().search(
        parsed, _filters(viewer, kinds=(kind,), **filters), limit=limit, facets=False
    )
    return [hit.id for hit in _visible(found.hits, viewer)]


def _visible(hits: list[Hit], viewer) -> list[Hit]:
    """Keep the hits the viewer may open, and give each its URL: one query per kind."""
    kinds = registry.kinds()
    by_kind: dict[str, list[int]] = {}
    for hit in hits:
        by_kind.setdefault(hit.kind, []).append(hit.id)
    urls = {
        name: kinds[name].visible(ids, viewer)
        for name, ids in by_kind.items()
        if name in kinds
    }
    kept = []
    for hit in hits:
        url = urls.get(hit.kind, {}).get(hit.id)
        if url:
            hit.url = url
            kept.append(hit)
    return kept


@functools.cache
def _t2s_characters() -> dict[int, str]:
    """OpenCC's Traditional → Simplified conversion of each single character (the
    common CJK block), where it gives one other character."""
    from community.text import t2s

    chars = [chr(code) for code in range(0x3400, 0xA000)]
    # One character per line: OpenCC's phrases never span a line break.
    converted = t2s("\n".join(chars)).split("\n")
    return {
        ord(source): target
        for source, target in zip(chars, converted, strict=True)
        if len(target) == 1 and target != source
    }


def fold(text: str) -> str:
    """``normalise`` for highlighting: same length as ``text``, so positions found
    in the folded text mark the text as written. Character by character (no
    phrase table), which is plenty to find the words a query matched, and ~100
    times faster than the full conversion on a long Chinese post."""
    text = text.translate(_t2s_characters())
    whole = unicodedata.normalize("NFKC", text).lower()
    if len(whole) == len(text):
        return whole
    folded = []
    for ch in text:
        n = unicodedata.normalize("NFKC", ch).lower()
        folded.append(n if len(n) == 1 else ch.lower() if len(ch.lower()) == 1 else ch)
    return "".join(folded)


def snippet(text: str, terms: list[str], length: int = SNIPPET_CHARS) -> SafeString:
    """Escaped text around the first match with every term in ``<mark>``.

    Terms are normalised (Simplified, lower case); the text is matched in its
    folded form and shown as written.
    """
    shown = " ".join((text or "").split())
    folded = fold(shown)
    spans = []
    for term in sorted(set(terms), key=len, reverse=True):
        for m in re.finditer(re.escape(term), folded):
            spans.append((m.start(), m.end()))
    spans.sort()
    start = max(0, spans[0][0] - length // 3) if spans else 0
    end = min(len(shown), start + length)
    out, pos = [], start
    for a, b in spans:
        if a < pos or b > end:
            continue
        out.append(html.escape(shown[pos:a]))
        out.append("<mark>" + html.escape(shown[a:b]) + "</mark>")
        pos = b
    out.append(html.escape(shown[pos:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(shown) else ""
    return mark_safe(prefix + "".join(out) + suffix)  # noqa: S308 - escaped above
