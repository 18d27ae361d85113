"""Elasticsearch documents, index template and query bodies (elasticsearch-dsl).

One index per kind behind an alias (``<prefix>-post``, ``<prefix>-theme``, ...): a
rebuild fills a new timestamped index and swaps the alias in one atomic call, so
searches never see a half-built index. The mappings come from a composable index
template matching ``<prefix>-<kind>-*``, so every new index gets them.

Chinese: texts are folded to Simplified in Python (``community.text.normalise``, as
for the database backend; Elasticsearch has no built-in converter) and analysed with
an explicit version of the built-in ``cjk`` analyser (CJK bigrams, width folding)
plus an English stemmer: no plugin is needed, and a word inside an unsegmented
sentence matches through its bigrams.
"""

from __future__ import annotations

from elasticsearch.dsl import (
    Boolean,
    Date,
    DenseVector,
    Document,
    Index,
    Keyword,
    Long,
    Q,
    Search,
    Text,
    analyzer,
)

from community.text import CJK_RE, normalise
from fanloop.search.query import Alternative, ParsedQuery
from fanloop.search.types import Filters

# Dimensions of the feedback engine's stored vectors (multilingual-e5-small).
VECTOR_DIMS = 384
TITLE_BOOST = 4

fanloop_text = analyzer(
    "fanloop_text",
    tokenizer="standard",
    filter=["cjk_width", "lowercase", "cjk_bigram", "porter_stem"],
)


class SearchDoc(Document):
    """Fields every kind has. ``title``/``body`` hold the folded text that is
    searched; ``display_*`` the text as written, for results and snippets."""

    kind = Keyword()
    object_id = Long()
    title = Text(analyzer=fanloop_text)
    body = Text(analyzer=fanloop_text)
    display_title = Keyword(index=False)
    display_body = Text(index=False)
    board = Long()
    status = Keyword()
    tags = Keyword()
    created_at = Date()
    hidden = Boolean()


class PostDoc(SearchDoc):
    """Posts also carry the feedback engine's vector for kNN (HNSW, cosine)."""

    vector = DenseVector(
        dims=VECTOR_DIMS,
        index=True,
        similarity="cosine",
        index_options={"type": "hnsw", "m": 16, "ef_construction": 100},
    )


def alias_name(prefix: str, kind: str) -> str:
    return f"{prefix}-{kind}"


def document_class(kind: str) -> type[SearchDoc]:
    return PostDoc if kind == "post" else SearchDoc


def index_for(prefix: str, kind: str, name: str | None = None) -> Index:
    """The index (or, with ``name``, one concrete index behind the alias)."""
    index = Index(name or alias_name(prefix, kind))
    index.settings(number_of_shards=1, number_of_replicas=0, refresh_interval="1s")
    index.document(document_class(kind))
    return index


def index_template(prefix: str, kind: str):
    alias = alias_name(prefix, kind)
    return index_for(prefix, kind).as_composable_template(alias, f"{alias}-*")


# --- queries --------------------------------------------------------------------


def _join(terms: tuple[str, ...]) -> str:
    """Terms as one string; Chinese neighbours without a space, so their bigrams
    run on across the boundary as they do in the indexed text."""
    out = ""
    for term in terms:
        if out and not (CJK_RE.match(term) and CJK_RE.match(out[-1])):
            out += " "
        out += term
    return out


def _alternative(alt: Alternative) -> Q:
    fields = [f"title^{TITLE_BOOST}", "body"]
    if alt.phrase:
        return Q("multi_match", query=_join(alt.terms), fields=fields, type="phrase")
    # Words apart: each one's own bigrams must match, not those across the gap.
    return Q(
        "multi_match",
        query=" ".join(alt.terms),
        fields=fields,
        type="cross_fields",
        operator="and",
    )


def text_query(query: ParsedQuery) -> Q:
    must = [
        Q("bool", should=[_alternative(a) for a in group], minimum_should_match=1)
        for group in query.groups
    ]
    return Q("bool", must=must, must_not=[_alternative(a) for a in query.excluded])


def _base_filters(filters: Filters) -> list[Q]:
    out = []
    if not filters.include_hidden:
        out.append(Q("term", hidden=False))
    if filters.tag:
        out.append(Q("term", tags=filters.tag))
    if filters.since:
        out.append(Q("range", created_at={"gte": filters.since.isoformat()}))
    return out


def _facet_filters(filters: Filters) -> dict[str, Q | None]:
    return {
        "kind": Q("terms", kind=list(filters.kinds)) if filters.kinds else None,
        "board": Q("term", board=filters.board) if filters.board is not None else None,
        "status": Q("term", status=filters.status) if filters.status else None,
    }


def build_search(
    indices: list[str],
    query: ParsedQuery,
    filters: Filters,
    offset: int = 0,
    limit: int = 20,
    facets: bool = True,
) -> Search:
    """The request body of one search. Facet filters go in ``post_filter`` and each
    facet's aggregation applies the others, so counts show where a person can go."""
    search = Search(index=indices).query(
        Q("bool", must=[text_query(query)], filter=_base_filters(filters))
    )
    chosen = _facet_filters(filters)
    active = [q for q in chosen.values() if q is not None]
    if active:
        search = search.post_filter(Q("bool", filter=active))
    if facets:
        for name in chosen:
            others = [q for other, q in chosen.items() if other != name and q]
            search.aggs.bucket(name, "filter", filter=Q("bool", filter=others)).bucket(
                "values", "terms", field=name, size=100
            )
    source = ["kind", "object_id", "display_title", "display_body", "board"]
    source += ["status", "created_at"]
    return search.source(source).extra(from_=offset, size=limit, track_total_hits=True)


def build_similar(
    indices: list[str],
    vector: list[float],
    text: str = "",
    k: int = 5,
    num_candidates: int = 100,
    exclude_hidden: bool = True,
) -> Search:
    """Similar posts as a kNN query over the stored vectors, combined with the text
    query when there is one (Elasticsearch sums the two scores): the scale path for
    suggestions and theme assignment when one process cannot hold every vector."""
    visible = [Q("term", hidden=False)] if exclude_hidden else []
    search = Search(index=indices).knn(
        field="vector",
        k=k,
        num_candidates=num_candidates,
        query_vector=vector,
        filter=Q("bool", filter=visible) if visible else None,
    )
    if text.strip():
        search = search.query(
            Q(
                "bool",
                should=[
                    Q(
                        "multi_match",
                        query=normalise(text),
                        fields=[f"title^{TITLE_BOOST}", "body"],
                    )
                ],
                filter=visible,
            )
        )
    return search.source(["object_id", "display_title"]).extra(size=k)


def to_source(kind: str, doc) -> dict:
    """The indexed body of one ``community.search.Document``."""
    body = {
        "kind": kind,
        "object_id": doc.id,
        "title": normalise(doc.title),
        "body": normalise(doc.body),
        "display_title": doc.title,
        "display_body": doc.body,
        "board": doc.board,
        "status": doc.status,
        "tags": doc.tags,
        "created_at": doc.created_at.isoformat() if doc.created_at else None,
        "hidden": doc.hidden,
    }
    if kind == "post" and doc.vector:
        body["vector"] = doc.vector
    return body
