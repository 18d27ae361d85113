"""What the feedback app puts into the site search: posts (threads with their
pain-point fields) and themes. See ``community.search`` for the contract."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from django.db.models import Case, F, IntegerField, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from community.search import (
    BATCH,
    BODY_CHARS,
    Document,
    SearchKind,
    on_update_only,
    pk_batches,
    search_ids,
    thread_document,
    thread_rows,
    thread_tags,
    visible_threads,
)
from feedback.models import PainPoint, Theme

# How many post titles a theme's document carries: enough to find a theme by the
# words its fans use, not so many that a huge theme matches everything.
THEME_POST_TITLES = 30


def decode_vector(blob) -> list[float] | None:
    """The stored float16 vector (see ``feedback.clustering.engine``) as floats."""
    if not blob:
        return None
    return np.frombuffer(bytes(blob), dtype=np.float16).astype(float).tolist()


def post_documents(ids: list[int] | None, vectors: bool = False) -> Iterator[list]:
    fields = ["thread_id", "kind", "device_model", "steps", "expected", "actual"]
    fields += ["theme__status"] + (["vector"] if vectors else [])
    for rows in thread_rows(ids):
        batch_ids = [r["id"] for r in rows]
        tags = thread_tags(batch_ids)
        points = {
            p["thread_id"]: p
            for p in PainPoint.objects.filter(thread_id__in=batch_ids).values(*fields)
        }
        batch = []
        for row in rows:
            doc = thread_document(row, tags.get(row["id"], []))
            point = points.get(row["id"])
            if point is not None:
                extra = (
                    point[k] for k in ("device_model", "steps", "expected", "actual")
                )
                doc.body = " ".join([doc.body, *filter(None, extra)])[:BODY_CHARS]
                doc.status = point["theme__status"] or ""
                if vectors:
                    doc.vector = decode_vector(point["vector"])
            batch.append((row["id"], doc))
        yield batch


def theme_documents(ids: list[int] | None, vectors: bool = False) -> Iterator[list]:
    fields = ["id", "title", "public_note", "top_terms", "status", "board_id"]
    fields += ["created_at", "merged_into_id", "post_count"]
    qs = Theme.objects.order_by("pk").values(*fields)
    batches = (
        (qs.filter(pk__in=ids[i : i + BATCH]) for i in range(0, len(ids), BATCH))
        if ids is not None
        else pk_batches(qs)
    )
    for batch in batches:
        rows = list(batch)
        titles = _top_titles([r["id"] for r in rows])
        yield [(r["id"], _theme_document(r, titles.get(r["id"], []))) for r in rows]


def _top_titles(theme_ids: list[int]) -> dict[int, list[str]]:
    """The most voted visible titles of each theme (``THEME_POST_TITLES``), counted
    off in the database: a theme of thousands of posts is re-indexed whenever one
    joins it."""
    order = [F("vote_count").desc(), F("thread_id").asc()]
    posts = PainPoint.objects.filter(theme_id__in=theme_ids, thread__is_hidden=False)
    if len(theme_ids) == 1:  # a post joined a theme: a plain LIMIT does
        titles = posts.order_by(*order).values_list("thread__title", flat=True)
        return {theme_ids[0]: list(titles[:THEME_POST_TITLES])}
    rank = Window(RowNumber(), partition_by=[F("theme_id")], order_by=order)
    found: dict[int, list[str]] = {}
    for theme_id, title in (
        posts.annotate(rank=rank)
        .filter(rank__lte=THEME_POST_TITLES)
        .order_by("theme_id", "rank")
        .values_list("theme_id", "thread__title")
    ):
        found.setdefault(theme_id, []).append(title)
    return found


def _theme_document(row: dict, titles: list[str]) -> Document | None:
    if row["merged_into_id"] is not None:
        return None  # a merged theme lives on only as a redirect to its target
    if not row["post_count"]:
        return None  # emptied (re-clustered away, all hidden): not listed either
    terms = " ".join(str(t) for t in row["top_terms"] or [])
    return Document(
        id=row["id"],
        title=row["title"],
        body=" ".join([row["public_note"], terms, *titles])[:BODY_CHARS],
        created_at=row["created_at"],
        board=row["board_id"],
        status=row["status"],
    )


def visible_themes(ids: list[int], viewer) -> dict[int, str]:
    qs = Theme.objects.filter(pk__in=ids, merged_into__isnull=True, post_count__gt=0)
    return {
        pk: reverse("feedback:theme", kwargs={"pk": pk})
        for pk in qs.values_list("pk", flat=True)
    }


@on_update_only  # a theme is created before any post can join it
def _theme_post_ids(theme: Theme) -> list[int]:
    themes = [theme.pk, theme.merged_into_id] if theme.merged_into_id else [theme.pk]
    return list(
        PainPoint.objects.filter(theme_id__in=themes).values_list(
            "thread_id", flat=True
        )
    )


@on_update_only
def _thread_theme_ids(thread) -> list[int]:
    return list(
        PainPoint.objects.filter(thread_id=thread.pk, theme__isnull=False).values_list(
            "theme_id", flat=True
        )
    )


def _theme_ids(theme: Theme) -> list[int]:
    # A merge moves the posts (QuerySet.update, no signal) and then saves the
    # source: the target's document gains their words here.
    return [theme.pk, theme.merged_into_id] if theme.merged_into_id else [theme.pk]


def _event_theme_ids(event) -> list[int]:
    """Themes a decision touched: its own, and the other side of a merge/split
    (re-clustering names every theme its posts came from)."""
    ids = {event.theme_id}
    for side in (event.before, event.after):
        for key in ("into", "from", "to"):
            value = side.get(key)
            others = value if isinstance(value, list) else [value]
            ids.update(pk for pk in others if isinstance(pk, int))
    return sorted(ids)


def _event_post_ids(event) -> list[int]:
    """Posts whose status facet a decision changed: all of a theme whose status
    it set, and those it moved (merges, splits, moves and re-clustering update
    them in bulk, with no save signal of their own) between themes of different
    statuses; a post's document holds nothing else of its theme."""
    if event.action == "created":
        return []  # its one post is saved into the theme, which indexes it
    if event.action in {"status", "ship"}:
        return list(
            PainPoint.objects.filter(theme_id=event.theme_id).values_list(
                "thread_id", flat=True
            )
        )
    ids: set[int] = set()
    for side in (event.before, event.after):
        posts = side.get("posts")
        if isinstance(posts, list):
            ids.update(pk for pk in posts if isinstance(pk, int))
        if isinstance(side.get("post"), int):
            ids.add(side["post"])
    if not ids:
        return []
    themes = Theme.objects.filter(pk__in=_event_theme_ids(event)).order_by()
    statuses = set(themes.values_list("status", flat=True).distinct())
    came_from = event.before.get("from")
    if isinstance(came_from, list) and None in came_from:
        statuses.add("")  # some posts had no theme, hence no status facet
    return sorted(ids) if len(statuses) > 1 else []


POSTS = SearchKind(
    name="post",
    label=_("Posts"),
    model="community.Thread",
    documents=post_documents,
    visible=visible_threads,
    watch={
        "community.Thread": lambda thread: [thread.pk],
        "feedback.PainPoint": lambda post: [post.thread_id],
        # A theme's status is its posts' status facet.
        "feedback.Theme": _theme_post_ids,
        "feedback.ThemeEvent": _event_post_ids,
    },
    statuses=list(Theme.Status.choices),
)

THEMES = SearchKind(
    name="theme",
    label=_("Themes"),
    model="feedback.Theme",
    documents=theme_documents,
    visible=visible_themes,
    watch={
        "feedback.Theme": _theme_ids,
        "feedback.PainPoint": lambda post: [post.theme_id] if post.theme_id else [],
        # A theme's document quotes its posts' titles: hiding one must drop it.
        "community.Thread": _thread_theme_ids,
        "feedback.ThemeEvent": _event_theme_ids,
    },
    statuses=list(Theme.Status.choices),
)


def search_filter(qs: QuerySet, *, query: str, kind: str, viewer) -> QuerySet | None:
    """``qs`` narrowed to the site search's matches for ``query``, best first.

    None when no search engine is installed (the caller keeps its simple filter);
    raises ``SearchQueryError`` for a query the engine refuses.
    """
    ids = search_ids(query=query, kind=kind, viewer=viewer)
    if ids is None:
        return None
    rank = Case(
        *[When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)],
        output_field=IntegerField(),
    )
    return qs.filter(pk__in=ids).order_by(rank)
