from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PostText:
    id: int
    title: str
    body: str = ""
    theme_id: int | None = None
    pinned: bool = False


@dataclass(frozen=True)
class Assignment:
    theme_id: int | None  # None: open a new theme
    score: float

    @property
    def is_new(self) -> bool:
        return self.theme_id is None


@dataclass(frozen=True)
class Similar:
    post_id: int
    theme_id: int | None
    score: float


@dataclass(frozen=True)
class Related:
    theme_id: int
    score: float
    language: str  # the language of most of its posts ("en", "zh")


@dataclass
class ThemeDraft:
    theme_id: int | None
    post_ids: list[int]
    label: str = ""
    terms: list[str] = field(default_factory=list)
