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


# --- Normalisation and segmentation (search and clustering) -----------------------

import re  # noqa: E402
import unicodedata  # noqa: E402

CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
TOKEN_RE = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9][a-z0-9'._+-]*"
)
_EN_STOP = """a an and are as at be but by can do does for from had has have i if in
into is it its me my no not of on or our so that the their then there these this to
was we were what when where which while who why will with you your am been being
get got just
also very too any all some more most how after before again"""
_ZH_STOP = """的 了 是 我 在 有 和 就 不 也 都 而 及 与 着 或 一个 吗 吧 呢 啊
一下 这个 那个 什么 怎么 我们 你们 他们 没有 可以 但是 因为 所以 如果 已经"""
STOPWORDS = frozenset(_EN_STOP.split()) | frozenset(_ZH_STOP.split())
# Headings of the bug template: they appear in every bug report, so they say nothing
# about which problem a post describes. Device and version lines go as a whole (the
# device is a field of its own; "Pixel 7" in every post of a theme would bind posts
# by phone model instead of by problem).
_HEADINGS = (
    r"steps to reproduce|steps|expected results?|expected behaviou?r|expected"
    r"|actual results?|actual behaviou?r|actual|reproducibility|frequency"
    r"|复现步骤|重现步骤|操作步骤|步骤|预期结果|期望结果|预期|实际结果|实际|复现频率|复现概率"
    r"|復現步驟|重現步驟|操作步驟|步驟|預期結果|期望結果|實際結果|復現頻率"
)
_DEVICE_LINES = (
    r"device( model)?|model|phone|os( version)?|android( version)?|ios( version)?"
    r"|system version|app version|build|version|firmware|rom"
    r"|设备|设备型号|手机型号|机型|系统版本|系统|应用版本|版本号|版本|固件"
    r"|設備|設備型號|手機型號|機型|系統版本|系統|應用版本|版本號|版本|韌體"
)
BOILERPLATE_RE = re.compile(
    rf"(?im)^[ \t>#*_-]*(?:{_DEVICE_LINES})[ \t*_]*[:：].*$"
    rf"|^[ \t>#*_-]*(?:{_HEADINGS})[ \t*_]*(?:[:：][ \t*_]*|$)"
)


@functools.cache
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


def t2s(text: str) -> str:
    """Traditional Chinese to Simplified (OpenCC's phrase and character tables)."""
    return _t2s().convert(text)


def normalise(text: str) -> str:
    """Fold width and case, and Traditional Chinese to Simplified."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return t2s(text) if CJK_RE.search(text) else text


def strip_boilerplate(text: str) -> str:
    return BOILERPLATE_RE.sub(" ", text or "")


def segment(text: str) -> list[str]:
    """Words of normalised text: jieba (rjieba) for Chinese runs, Latin words as is.

    Stop words and punctuation are dropped.
    """
    import rjieba

    words: list[str] = []
    for match in TOKEN_RE.finditer(normalise(text)):
        chunk = match.group()
        if CJK_RE.fullmatch(chunk):
            words.extend(
                w for w in rjieba.cut(chunk) if w.strip() and w not in STOPWORDS
            )
        elif chunk not in STOPWORDS:
            words.append(chunk.strip("'._+-"))
    return [w for w in words if w]


def char_ngrams(text: str, sizes: tuple[int, ...] = (2, 3)) -> list[str]:
    """Character n-grams of the Chinese runs (robust to segmentation mistakes)."""
    grams: list[str] = []
    for run in CJK_RE.findall(normalise(text)):
        for n in sizes:
            grams.extend(run[i : i + n] for i in range(len(run) - n + 1))
    return grams
