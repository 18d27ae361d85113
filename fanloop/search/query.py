"""Parse what a person typed into a search box into terms every backend can use.

Syntax (a small, forgiving subset of what web search engines accept):
``word``, ``"a phrase"``, ``-word`` or ``-"a phrase"`` (leave out), ``a OR b``. Anything
else is text: brackets, ``*``, ``AND``/``NOT`` and unbalanced quotes never reach a
backend as syntax, so no input can make one raise. Each piece is folded to Simplified
Chinese and segmented with ``community.text`` (the same functions the clustering
engine uses), so a Traditional or unsegmented Chinese query meets the index's words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from community.search import SearchQueryError
from community.text import CJK_RE, segment

MAX_QUERY_CHARS = 500
MAX_TERMS = 24

_PIECE_RE = re.compile(r'(-?)"([^"]*)"|(\S+)')


@dataclass(frozen=True)
class Alternative:
    """Words that must all match; ``phrase``: next to each other, in order."""

    terms: tuple[str, ...]
    phrase: bool = False


@dataclass
class ParsedQuery:
    """Groups that must all match; each group matches when any alternative does."""

    text: str
    groups: list[list[Alternative]] = field(default_factory=list)
    excluded: list[Alternative] = field(default_factory=list)

    @property
    def terms(self) -> list[str]:
        """Every positive term, for highlighting."""
        return [t for g in self.groups for a in g for t in a.terms]


def clean(text: str) -> str:
    """Drop control characters (NUL and friends) and surrounding space."""
    return "".join(
        ch if unicodedata.category(ch)[0] != "C" else " " for ch in text or ""
    ).strip()


def parse(text: str) -> ParsedQuery:
    """Parse a query; raises ``SearchQueryError`` with a message for the person."""
    text = clean(text)
    if len(text) > MAX_QUERY_CHARS:
        raise SearchQueryError(
            _("Search for at most %(n)d characters.") % {"n": MAX_QUERY_CHARS}
        )
    if text.count('"') % 2:
        text = text[::-1].replace('"', "", 1)[::-1]  # an unbalanced quote is text
    query = ParsedQuery(text=text)
    join_next = False
    count = 0
    for match in _PIECE_RE.finditer(text):
        negate, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None:
            if bare == "OR":
                join_next = bool(query.groups)
                continue
            negate = "-" if bare.startswith("-") and len(bare) > 1 else ""
            words = bare[1:] if negate else bare
            alternative = Alternative(tuple(segment(words)))
        else:
            alternative = Alternative(tuple(segment(quoted)), phrase=True)
        terms = alternative.terms[: MAX_TERMS - count]
        if not terms:
            continue
        count += len(terms)
        alternative = Alternative(terms, alternative.phrase and len(terms) > 1)
        if negate:
            query.excluded.append(alternative)
        elif join_next:
            query.groups[-1].append(alternative)
        else:
            query.groups.append([alternative])
        join_next = False
        if count >= MAX_TERMS:
            break
    if not query.groups:
        raise SearchQueryError(
            _("Type one or more words to look for.")
            if not query.excluded
            else _("Say what to look for, not only what to leave out.")
        )
    return query


def index_terms(text: str) -> str:
    """Words of ``text`` as the database index stores them: normalised, segmented,
    plus the character pairs of each Chinese word longer than two characters, so a
    query for 夜景 finds a post that jieba cut as 夜景模式."""
    words = segment(text)
    pairs = [
        word[i : i + 2]
        for word in words
        if len(word) > 2 and CJK_RE.fullmatch(word)
        for i in range(len(word) - 1)
    ]
    return " ".join(words + pairs)
