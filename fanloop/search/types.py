"""Values passed between the search service and its backends."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Filters:
    kinds: tuple[str, ...] = ()
    board: int | None = None
    status: str | None = None
    tag: str | None = None
    since: datetime | None = None
    include_hidden: bool = False


@dataclass
class Hit:
    kind: str
    id: int
    title: str
    body: str
    created_at: datetime
    board: int | None = None
    status: str = ""
    score: float = 0.0
    url: str = ""
    snippet: str = ""


@dataclass
class BackendResults:
    hits: list[Hit]
    total: int
    # More matches than the backend ranks: ``total`` is a lower bound.
    capped: bool = False
    # facet name ("kind", "board", "status") -> value -> count
    facets: dict[str, dict] = field(default_factory=dict)
