"""The feedback clustering engine: texts in, themes out. No Django imports.

Public API:
    get_engine(name) -> Engine        "hybrid" (semantic + lexical) or "lexical"
    Engine.encode_post(title, body) -> bytes   stored once per post
    Engine.encode_query(text) -> vector | None
    ThemeIndex(engine)                in-memory, incremental: add / move / remove,
                                      assign(vector, text), similar(vector, text, k)
    recluster(engine, posts, vectors) -> list[ThemeDraft]
    explain(engine, texts, vectors) -> Explanation
    post_text(title, body) -> str     the text the engine sees for a post
"""

from feedback.clustering.batch import explain, label, recluster
from feedback.clustering.engine import Engine, get_engine, post_text
from feedback.clustering.index import ThemeIndex
from feedback.clustering.types import (
    Assignment,
    Explanation,
    PostText,
    Similar,
    ThemeDraft,
)

__all__ = [
    "Assignment",
    "Engine",
    "Explanation",
    "PostText",
    "Similar",
    "ThemeDraft",
    "ThemeIndex",
    "explain",
    "get_engine",
    "label",
    "post_text",
    "recluster",
]
