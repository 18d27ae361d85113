"""Similar-post suggestions as kNN queries in the search cluster.

Set ``FANLOOP_SIMILAR_BACKEND=fanloop.search.knn.neighbours`` together with the
Elasticsearch search backend: post documents carry the feedback engine's stored
vectors (``dense_vector``, cosine, HNSW), so every web worker asks the same index
instead of holding every post's vector in its own memory.
"""

from __future__ import annotations

from fanloop.search.backends import get_backend


def neighbours(*, vector: list[float], text: str, k: int) -> list[tuple[int, float]]:
    """(post id, score), best first; none when the backend has no vector search."""
    similar = getattr(get_backend(), "similar", None)
    return similar(vector, text, k) if similar else []
