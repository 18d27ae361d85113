"""The default backend: a document table in the site's own database with its
full-text index (SQLite FTS5 with bm25 ranking, or PostgreSQL ``tsvector`` + GIN with
``websearch_to_tsquery`` and ``ts_rank``), made by ``fanloop_search``'s migration.

Words are normalised (Traditional → Simplified) and segmented in Python before they
reach the database, at index time and at query time, so neither database needs a
Chinese tokenizer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from django.db import connection, transaction

from community.search import Document
from fanloop.search.models import SearchDocument
from fanloop.search.query import Alternative, ParsedQuery, index_terms
from fanloop.search.types import BackendResults, Filters, Hit

TABLE = SearchDocument._meta.db_table
# The columns a document sets, in the order of ``DatabaseBackend._fields``.
STORED = ("board_id", "status", "tags", "created_at", "hidden", "title", "body")
# A search ranks at most this many matches, the newest: enough for 50 pages of 20,
# and a bound on the work a one-word query does against a large forum.
CANDIDATES = 1000


def _fts5_alternative(alt: Alternative) -> str:
    quoted = ['"' + t.replace('"', '""') + '"' for t in alt.terms]
    if alt.phrase:
        return '"' + " ".join(t.replace('"', '""') for t in alt.terms) + '"'
    return "(" + " AND ".join(quoted) + ")"


def fts5_expression(query: ParsedQuery) -> str:
    """An FTS5 MATCH expression in which every term is a quoted string: FTS5
    syntax can come only from here, never from the person's text."""
    groups = [
        "(" + " OR ".join(_fts5_alternative(a) for a in group) + ")"
        for group in query.groups
    ]
    expression = " AND ".join(groups)
    for alt in query.excluded:
        expression += " NOT " + _fts5_alternative(alt)
    return expression


def _websearch(alt: Alternative) -> tuple[str, str]:
    text = " ".join(alt.terms)
    return "websearch_to_tsquery('english', %s)", f'"{text}"' if alt.phrase else text


def tsquery_expression(query: ParsedQuery) -> tuple[str, list[str]]:
    """A tsquery built from one ``websearch_to_tsquery`` per alternative, combined
    with ``&&``, ``||`` and ``!!`` so grouping never depends on the parser."""
    params: list[str] = []
    groups = []
    for group in query.groups:
        leaves = []
        for alt in group:
            sql, param = _websearch(alt)
            leaves.append(sql)
            params.append(param)
        groups.append("(" + " || ".join(leaves) + ")")
    expression = " && ".join(groups)
    for alt in query.excluded:
        sql, param = _websearch(alt)
        expression += f" && !!{sql}"
        params.append(param)
    return expression, params


class DatabaseBackend:
    name = "database"
    wants_vectors = False

    # --- queries -----------------------------------------------------------------

    def _filters(self, filters: Filters, *, facets: bool) -> tuple[list[str], list]:
        """WHERE parts; with ``facets`` only those the facet counts keep."""
        where, params = [], []
        if not filters.include_hidden:
            where.append("d.hidden = %s")
            params.append(False)
        if filters.tag:
            where.append("d.tags LIKE %s ESCAPE '\\'")
            escaped = filters.tag.replace("\\", "\\\\").replace("%", "\\%")
            params.append("% " + escaped.replace("_", "\\_") + " %")
        if filters.since:
            where.append("d.created_at >= %s")
            params.append(connection.ops.adapt_datetimefield_value(filters.since))
        if not facets:
            if filters.kinds:
                where.append(
                    "d.kind IN (" + ", ".join(["%s"] * len(filters.kinds)) + ")"
                )
                params.extend(filters.kinds)
            if filters.board is not None:
                where.append("d.board_id = %s")
                params.append(filters.board)
            if filters.status:
                where.append("d.status = %s")
                params.append(filters.status)
        return where, params

    def _match(self) -> tuple[str, str, str, str]:
        """FROM, match condition, score and newest-first key for this database."""
        if connection.vendor == "postgresql":
            return (
                f"{TABLE} d, (SELECT {{tsquery}} AS q) q",
                "d.search_vector @@ q.q",
                "ts_rank(d.search_vector, q.q)",
                "d.id",
            )
        return (
            f"fanloop_search_fts f JOIN {TABLE} d ON d.id = f.rowid",
            "fanloop_search_fts MATCH %s",
            # bm25 is lower for better matches; title words weigh 4 times body words.
            "-bm25(fanloop_search_fts, 4.0, 1.0)",
            "f.rowid",
        )

    def _query_sql(self, query: ParsedQuery) -> tuple[str, str, str, str, list]:
        source, match, score, newest = self._match()
        if connection.vendor == "postgresql":
            expression, params = tsquery_expression(query)
            source = source.replace("{tsquery}", expression)
            return source, match, score, newest, params
        return source, match, score, newest, [fts5_expression(query)]

    def _candidates(self, query: ParsedQuery, filters: Filters, *, facets: bool):
        """``(id, kind, board_id, status, score)`` of the newest ``CANDIDATES``
        matches; with ``facets``, without the facet filters (kind, board, status)."""
        source, match, score, newest, match_params = self._query_sql(query)
        where, params = self._filters(filters, facets=facets)
        # Only fixed SQL fragments are joined here; every value is a parameter.
        sql = (
            f"SELECT d.id, d.kind, d.board_id, d.status, {score} "  # noqa: S608
            f"FROM {source} WHERE {' AND '.join([match, *where])} "
            f"ORDER BY {newest} DESC LIMIT {CANDIDATES:d}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*match_params, *params])
            return cursor.fetchall()

    def search(
        self,
        query: ParsedQuery,
        filters: Filters,
        offset: int = 0,
        limit: int = 20,
        facets: bool = True,
    ) -> BackendResults:
        """Ranks the newest ``CANDIDATES`` matches (every match, for all but the
        broadest queries), so a query costs about the same at 10,000 or 1,000,000
        documents; ``capped`` tells when there were more.

        Usually one query: the candidates come without the facet filters, facet
        counts and the filtered page are computed from them, then the page's
        documents are loaded by primary key. A second candidate query runs only
        when a facet filter is set and the first one was capped."""
        rows = self._candidates(query, filters, facets=facets)
        counts = {}
        if facets:
            grouped = Counter(
                (kind, board, status) for _, kind, board, status, _ in rows
            )
            counts = facet_counts(
                ((k, b, s, n) for (k, b, s), n in grouped.items()), filters
            )["facets"]
            chosen = _facet_test(filters)
            if len(rows) >= CANDIDATES and chosen is not None:
                rows = self._candidates(query, filters, facets=False)
            elif chosen is not None:
                rows = [r for r in rows if chosen(r[1], r[2], r[3])]
        rows.sort(key=lambda r: (-(r[4] or 0.0), -r[0]))
        page = rows[offset : offset + limit]
        docs = SearchDocument.objects.only(
            "kind", "object_id", "title", "body", "board_id", "status", "created_at"
        ).in_bulk([r[0] for r in page])
        hits = [
            Hit(
                kind=doc.kind,
                id=doc.object_id,
                title=doc.title,
                body=doc.body,
                created_at=doc.created_at,
                board=doc.board_id,
                status=doc.status,
                score=float(score or 0.0),
            )
            for pk, *_rest, score in page
            if (doc := docs.get(pk)) is not None
        ]
        return BackendResults(
            hits=hits,
            total=len(rows),
            capped=len(rows) >= CANDIDATES,
            facets=counts,
        )

    # --- writes ------------------------------------------------------------------

    @staticmethod
    def _fields(doc: Document) -> tuple:
        """The stored columns a document sets (its terms follow from them)."""
        return (
            doc.board,
            doc.status,
            (" " + " ".join(doc.tags) + " ")[:500] if doc.tags else "",
            doc.created_at,
            doc.hidden,
            doc.title[:300],
            doc.body,
        )

    @classmethod
    def _row(cls, kind: str, doc: Document) -> SearchDocument:
        values = dict(zip(STORED, cls._fields(doc), strict=True))
        return SearchDocument(
            kind=kind,
            object_id=doc.id,
            **values,
            title_terms=index_terms(values["title"]),
            body_terms=index_terms(doc.body),
        )

    def index(
        self, kind: str, batch: list[tuple[int, Document | None]], removed=()
    ) -> None:
        """Write the documents that differ from the stored ones and drop the
        removed. A write re-indexes more than it changes (a new post re-indexes
        its theme, whose text quotes only its most voted titles; a vote, its
        post): comparing first spares the delete, insert and full-text update of
        an unchanged document (~1.5 ms)."""
        docs = {pk: doc for pk, doc in batch if doc is not None}
        stored = {
            row[0]: row[1:]
            for row in SearchDocument.objects.filter(
                kind=kind, object_id__in=list(docs)
            ).values_list("object_id", *STORED)
        }
        changed = {
            pk: doc for pk, doc in docs.items() if stored.get(pk) != self._fields(doc)
        }
        gone = [pk for pk, doc in batch if doc is None] + list(removed)
        stale = gone + [pk for pk in changed if pk in stored]
        if not stale and not changed:
            return
        with transaction.atomic():
            if stale:
                SearchDocument.objects.filter(kind=kind, object_id__in=stale).delete()
            SearchDocument.objects.bulk_create(
                [self._row(kind, doc) for doc in changed.values()]
            )

    def rebuild(
        self,
        kind: str,
        batches: Iterable[list[tuple[int, Document | None]]],
        progress: Callable[[int], None] = lambda n: None,
    ) -> None:
        # One transaction: searches see the old index until the new one is complete.
        with transaction.atomic():
            SearchDocument.objects.filter(kind=kind).delete()
            for batch in batches:
                SearchDocument.objects.bulk_create(
                    [self._row(kind, doc) for _pk, doc in batch if doc is not None],
                    batch_size=1000,
                )
                progress(len(batch))
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "INSERT INTO fanloop_search_fts(fanloop_search_fts) "
                    "VALUES ('optimize')"
                )
            elif connection.vendor == "postgresql":
                # The old rows are dead tuples now: without VACUUM every search
                # reads past them until autovacuum comes by.
                vacuum = "" if connection.in_atomic_block else "VACUUM "
                cursor.execute(f"{vacuum}ANALYZE {TABLE}")

    def count(self, kind: str) -> int:
        return SearchDocument.objects.filter(kind=kind).count()


def _facet_test(filters: Filters):
    """A test of one ``(kind, board, status)`` against the facet filters, or None
    when none is set."""
    if not (filters.kinds or filters.board is not None or filters.status):
        return None
    return lambda kind, board, status: (
        (not filters.kinds or kind in filters.kinds)
        and (filters.board is None or board == filters.board)
        and (not filters.status or status == filters.status)
    )


def facet_counts(groups: Iterable[tuple], filters: Filters) -> dict:
    """Total and per-facet counts from ``(kind, board, status, count)`` rows."""
    wanted = {
        "kind": lambda k, b, s: not filters.kinds or k in filters.kinds,
        "board": lambda k, b, s: filters.board is None or b == filters.board,
        "status": lambda k, b, s: not filters.status or s == filters.status,
    }
    facets: dict[str, Counter] = {name: Counter() for name in wanted}
    total = 0
    for kind, board, status, n in groups:
        values = {"kind": kind, "board": board, "status": status}
        passes = {name: test(kind, board, status) for name, test in wanted.items()}
        if all(passes.values()):
            total += n
        for name in wanted:
            others = all(v for other, v in passes.items() if other != name)
            if others and (name != "status" or status):
                facets[name][values[name]] += n
    return {"total": total, "facets": {k: dict(v) for k, v in facets.items()}}
