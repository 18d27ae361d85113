"""Text handling shared by rendering, search and clustering.

No Django imports: the clustering engine and benchmarks use this module directly.

- ``render_markdown``: fan Markdown to sanitised HTML (markdown-it-py parses with raw
  HTML disabled, nh3 (Ammonia) then whitelists tags, attributes and URL schemes, so a
  parser bug cannot let a script through).
- ``normalise`` / ``segment``: Traditional→Simplified folding and Chinese word
  segmentation (see below).
"""

from __future__ import annotations

import functools
import html

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "img", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
# Links may be web or mail; images only from the web (no data: or javascript:).
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
IMAGE_URL_SCHEMES = {"http", "https"}


@functools.cache
def _markdown() -> MarkdownIt:
    # "js-default" is CommonMark with raw HTML off and linkify/typographer off.
    return MarkdownIt("js-default").enable(["table", "strikethrough"])


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        scheme = value.split(":", 1)[0].lower() if ":" in value else ""
        if scheme not in IMAGE_URL_SCHEMES:
            return None
    return value


def sanitise_html(html: str) -> str:
    """Whitelist-clean any HTML; the last line of defence for fan content."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow ugc noopener noreferrer",
        attribute_filter=_filter_attribute,
        strip_comments=True,
    )


def render_markdown(source: str) -> str:
    """Render fan-written Markdown to safe HTML."""
    return sanitise_html(_markdown().render(source or ""))


def plain_excerpt(source: str, length: int = 200) -> str:
    """A one-line plain-text excerpt of Markdown, for lists and notifications."""
    text = html.unescape(nh3.clean(_markdown().render(source or ""), tags=set()))
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
