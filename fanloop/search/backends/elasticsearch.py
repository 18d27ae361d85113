"""Elasticsearch backend (``ELASTICSEARCH_URL``), built on elasticsearch-dsl.

Document mappings and query bodies live in ``fanloop.search.documents``; this module
talks to the cluster: bulk writes (refreshed before the request ends, so a hidden
thread is gone from the next search), alias-swapping rebuilds, and searches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from elasticsearch import Elasticsearch, NotFoundError
from elasticsearch.helpers import bulk

from community.search import Document
from fanloop.search import documents, registry
from fanloop.search.query import ParsedQuery
from fanloop.search.types import BackendResults, Filters, Hit


class ElasticsearchBackend:
    name = "elasticsearch"
    wants_vectors = True

    def __init__(self) -> None:
        self.client = Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=30)
        self.prefix = settings.FANLOOP_SEARCH_INDEX_PREFIX
        self._ensured: set[str] = set()

    def alias(self, kind: str) -> str:
        return documents.alias_name(self.prefix, kind)

    def ensure(self, kind: str) -> None:
        """Put the index template, and a first index behind the alias if none
        (once per process and kind)."""
        if kind in self._ensured:
            return
        documents.index_template(self.prefix, kind).save(using=self.client)
        if not self.client.indices.exists_alias(name=self.alias(kind)):
            name = self._new_index_name(kind)
            self.client.indices.create(index=name)
            self.client.indices.put_alias(index=name, name=self.alias(kind))
        self._ensured.add(kind)

    def _new_index_name(self, kind: str) -> str:
        return f"{self.alias(kind)}-{timezone.now():%Y%m%d%H%M%S%f}"

    # --- queries -------------------------------------------------------------------

    def search(
        self,
        query: ParsedQuery,
        filters: Filters,
        offset: int = 0,
        limit: int = 20,
        facets: bool = True,
    ) -> BackendResults:
        indices = [self.alias(k) for k in filters.kinds or registry.kinds()]
        body = documents.build_search(indices, query, filters, offset, limit, facets)
        response = self.client.search(
            index=",".join(indices),
            body=body.to_dict(),
            ignore_unavailable=True,
            allow_no_indices=True,
        )
        hits = [
            Hit(
                kind=src["kind"],
                id=src["object_id"],
                title=src.get("display_title", ""),
                body=src.get("display_body", ""),
                created_at=datetime.fromisoformat(src["created_at"]),
                board=src.get("board"),
                status=src.get("status") or "",
                score=hit.get("_score") or 0.0,
            )
            for hit in response["hits"]["hits"]
            for src in [hit["_source"]]
        ]
        facet_counts = {
            name: {
                b["key"]: b["doc_count"] for b in agg["values"]["buckets"] if b["key"]
            }
            for name, agg in response.get("aggregations", {}).items()
        }
        return BackendResults(
            hits=hits, total=response["hits"]["total"]["value"], facets=facet_counts
        )

    def similar(
        self, vector: list[float], text: str = "", k: int = 5
    ) -> list[tuple[int, float]]:
        """(post id, score) nearest to ``vector`` (kNN, combined with ``text``)."""
        body = documents.build_similar([self.alias("post")], vector, text, k)
        response = self.client.search(index=self.alias("post"), body=body.to_dict())
        return [
            (hit["_source"]["object_id"], float(hit["_score"]))
            for hit in response["hits"]["hits"]
        ]

    # --- writes --------------------------------------------------------------------

    def _actions(self, kind: str, index: str, batch, removed=()):
        for pk, doc in batch:
            if doc is None:
                yield {"_op_type": "delete", "_index": index, "_id": pk}
            else:
                yield {
                    "_index": index,
                    "_id": pk,
                    "_source": documents.to_source(kind, doc),
                }
        for pk in removed:
            yield {"_op_type": "delete", "_index": index, "_id": pk}

    def index(
        self, kind: str, batch: list[tuple[int, Document | None]], removed=()
    ) -> None:
        self.ensure(kind)
        # "wait_for": the write is searchable before the response goes out.
        bulk(
            self.client,
            self._actions(kind, self.alias(kind), batch, removed),
            refresh="wait_for",
            raise_on_error=False,  # deleting what was never indexed is fine
        )

    def rebuild(
        self,
        kind: str,
        batches: Iterable[list[tuple[int, Document | None]]],
        progress: Callable[[int], None] = lambda n: None,
    ) -> None:
        """Fill a new index, then point the alias at it in one atomic call."""
        documents.index_template(self.prefix, kind).save(using=self.client)
        name = self._new_index_name(kind)
        self.client.indices.create(index=name, settings={"refresh_interval": "-1"})
        for batch in batches:
            bulk(self.client, self._actions(kind, name, batch))
            progress(len(batch))
        self.client.indices.put_settings(
            index=name, settings={"refresh_interval": "1s"}
        )
        self.client.indices.refresh(index=name)
        alias = self.alias(kind)
        found = self.client.options(ignore_status=404).indices.get_alias(name=alias)
        old = [i for i in found.body if i.startswith(alias)]
        actions = [{"remove": {"alias": alias, "index": i}} for i in old]
        actions.append({"add": {"alias": alias, "index": name}})
        self.client.indices.update_aliases(actions=actions)
        for index in old:
            self.client.indices.delete(index=index, ignore_unavailable=True)
        self._ensured.add(kind)

    def count(self, kind: str) -> int:
        try:
            return self.client.count(index=self.alias(kind))["count"]
        except NotFoundError:
            return 0

    def drop_all(self) -> None:
        """Delete this prefix's indices and templates (tests)."""
        # By name: clusters refuse wildcard deletes (destructive_requires_name).
        found = self.client.indices.get(
            index=f"{self.prefix}-*", ignore_unavailable=True
        )
        for index in found.body:
            self.client.indices.delete(index=index, ignore_unavailable=True)
        self._ensured.clear()
        for kind in registry.kinds():
            self.client.options(ignore_status=404).indices.delete_index_template(
                name=self.alias(kind)
            )
