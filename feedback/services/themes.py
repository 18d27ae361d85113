"""Feeding the clustering engine from the database and writing back what it decides."""

from __future__ import annotations

import hashlib
from collections import Counter
from functools import partial

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from feedback import clustering
from feedback.models import PainPoint, Theme, ThemeEvent, Vote
from feedback.services.counters import theme_recount
from feedback.services.index import get_engine, get_index, index_committed
from feedback.services.realtime import publish_themes

# How long the vector of text typed in the post form is kept for the post it
# becomes (``_vector_key``).
TYPED_VECTOR_SECONDS = 30 * 60


def _vector_key(encoded: str) -> str:
    """Cache key of the vector of ``encoded`` (what the encoder read: see
    ``clustering.encoder_text``), for this engine and model."""
    digest = hashlib.blake2b(encoded.encode(), digest_size=16).hexdigest()
    return f"fanloop:vector:{clustering.ENCODER_ID}:{digest}"


def post_encode(*, title: str, body: str) -> bytes:
    """The stored representation of a post; computed once, outside any transaction.

    The post form asks for similar posts while the fan types, which encodes the
    title and the start of the body exactly as a stored post's (``_neighbours``
    keeps that vector in the shared cache); the post those words become takes
    it instead of encoding again (15–20 ms), on whichever worker it lands."""
    engine = get_engine()
    if not engine.dense:
        return engine.encode_post(title, body)
    typed = cache.get(_vector_key(clustering.encoder_text(title, body)))
    return typed if typed is not None else engine.encode_post(title, body)


def post_assign(*, post: PainPoint, vector: bytes | None = None) -> Theme:
    """Put a new post in the best matching theme, or open a new theme for it."""
    thread = post.thread
    text = clustering.post_text(thread.title, thread.body)
    engine = get_engine()
    if vector is None:
        vector = engine.encode_post(thread.title, thread.body)
    index = get_index()
    assignment = index.assign(engine.decode(vector), text)
    with transaction.atomic(savepoint=False):  # nothing here is retried
        theme = None
        if assignment.theme_id is not None:
            theme = Theme.objects.filter(
                pk=assignment.theme_id, merged_into__isnull=True
            ).first()
        if theme is None:
            theme = Theme.objects.create(
                title=thread.title[:200],
                board_id=thread.board_id,
                created_at=timezone.now(),
            )
            ThemeEvent.objects.create(
                theme=theme,
                action=ThemeEvent.Action.CREATED,
                after={"post": post.pk},
            )
        post.vector = vector
        post.theme = theme
        post.save(update_fields=["vector", "theme"])
        counts = theme_recount(theme_id=theme.pk)
    transaction.on_commit(partial(index_committed, post.pk, vector, theme.pk, text))
    transaction.on_commit(partial(publish_themes, {theme.pk: counts}))
    return theme


def _neighbours(text: str, k: int) -> list[tuple[int, float]]:
    """Nearest posts to ``text`` as (post id, score), best first.

    In process by default (this worker's index). ``FANLOOP_SIMILAR_BACKEND`` names a
    function ``(vector=, text=, k=)`` that asks a shared engine instead, e.g. the
    kNN query of the Elasticsearch search backend: the way to go when there are too
    many posts, or web workers, for every worker to hold every post's vector.
    """
    engine = get_engine()
    vector = engine.encode_query(text)
    if vector is not None:  # kept for the post these words may become
        cache.set(
            _vector_key(clustering.query_encoder_text(text)),
            vector.astype(np.float16).tobytes(),
            TYPED_VECTOR_SECONDS,
        )
    if settings.FANLOOP_SIMILAR_BACKEND:
        if vector is None:
            return []
        search = import_string(settings.FANLOOP_SIMILAR_BACKEND)
        return search(vector=[float(x) for x in vector], text=text, k=k)
    return [(hit.post_id, hit.score) for hit in get_index().similar(vector, text, k=k)]


def similar_posts(
    *, text: str, viewer, limit: int = 5, per_theme: bool = False
) -> list[dict]:
    """Posts that look like ``text``, best first, up to ``limit``.

    ``per_theme`` keeps only the best post of each theme: a fan choosing "this is
    my problem too" wants five different problems, not one theme's five
    near-identical posts. ``voted`` and ``mine`` say whether ``viewer`` has voted
    for the post or wrote it.
    """
    hits = _neighbours(text, limit * (6 if per_theme else 3))
    if not hits:
        return []
    ids = [post_id for post_id, _score in hits]
    rows = {
        p.pk: p
        for p in PainPoint.objects.filter(pk__in=ids, thread__is_hidden=False)
        .select_related("thread", "theme")
        .only(
            "thread_id",
            "vote_count",
            "theme_id",
            "thread__title",
            "thread__author_id",
            "thread__is_hidden",
            "theme__title",
            "theme__fan_count",
            "theme__post_count",
            "theme__merged_into_id",
        )
    }
    results: list[dict] = []
    seen_themes: set[int] = set()
    for post_id, score in hits:
        post = rows.get(post_id)
        if post is None:
            continue
        if per_theme and post.theme_id in seen_themes:
            continue
        item = {
            "post": post.pk,
            "theme": post.theme_id,
            "theme_title": post.theme.title if post.theme_id else "",
            "theme_url": post.theme.get_absolute_url() if post.theme_id else "",
            "title": post.thread.title,
            "score": round(float(score), 4),
            "votes": post.vote_count,
            "theme_fans": post.theme.fan_count if post.theme_id else 0,
            "theme_posts": post.theme.post_count if post.theme_id else 0,
            "url": post.thread.get_absolute_url(),
            "vote_url": f"/p/{post.pk}/vote/",
            "voted": False,
            "mine": bool(viewer.is_authenticated)
            and post.thread.author_id == viewer.pk,
        }
        results.append(item)
        if post.theme_id is not None:
            seen_themes.add(post.theme_id)
        if len(results) == limit:
            break
    if viewer.is_authenticated and results:
        voted = set(
            Vote.objects.filter(
                fan=viewer, post_id__in=[item["post"] for item in results]
            ).values_list("post_id", flat=True)
        )
        for item in results:
            item["voted"] = item["post"] in voted
    return results


# Least score (the centres' blended cosine, as ``ThemeIndex.related`` gives it) for
# a theme to be shown as related. Measured by ``bench/cluster_quality.py
# --related``: see README "Related themes".
RELATED_FLOOR = 0.4
RELATED_FLOOR_OTHER_LANGUAGE = 0.35


def related_themes(*, theme: Theme, limit: int = 3, index=None) -> list[dict]:
    """Themes that may be the same problem as ``theme`` (nearest centres), best
    first, for a PM to merge: up to ``limit`` of any language and the nearest in
    the other language. Merged themes and those under the floor are left out."""
    index = index or get_index()
    own = index.theme_language(theme.pk)
    hits = [
        hit
        for hit in index.related(theme.pk, k=limit)
        if hit.score
        >= (RELATED_FLOOR if hit.language == own else RELATED_FLOOR_OTHER_LANGUAGE)
    ]
    if not hits:
        return []
    themes = Theme.objects.filter(
        pk__in=[hit.theme_id for hit in hits], merged_into__isnull=True
    ).only("id", "title", "status", "fan_count", "post_count")
    by_id = {t.pk: t for t in themes}
    return [
        {
            "theme": by_id[hit.theme_id],
            "score": round(float(hit.score), 2),
            "language": hit.language,
            "other_language": hit.language != own,
        }
        for hit in hits
        if hit.theme_id in by_id
    ]


# Posts on one page of a theme.
THEME_PAGE_POSTS = 50
# A theme's confidence is the mean similarity of its posts to its centre
# (``ThemeIndex.members``), judged against banking77's online themes of ≥ 3 posts
# (``bench/cluster_quality.py --confidence``). Hybrid: 0.70 at the median for
# themes of one intent (q10 0.62), 0.62 for themes mixing several (q90 0.65).
# Lexical (another scale): 0.62 and 0.49. (high, medium) by engine:
CONFIDENCE_LEVELS = {"hybrid": (0.7, 0.6), "lexical": (0.6, 0.5)}


def theme_evidence(*, theme: Theme, page=1) -> dict:
    """What the theme page and ``GET /api/v1/themes/{id}`` show of a theme's posts
    (``theme_posts``) and the themes related to it, from one look at the index."""
    index = get_index()
    evidence = theme_posts(theme=theme, page=page, index=index)
    evidence["related"] = related_themes(theme=theme, index=index)
    return evidence


def theme_posts(
    *, theme: Theme, page=1, per_page: int | None = None, index=None
) -> dict:
    """One page of a theme's visible posts, most similar to the theme first; the
    first report, the devices and versions of all of them; and why they are
    grouped: the terms most of them share, each post's similarity to the theme's
    centre and a confidence (the mean similarity of all its posts).

    Similarities come from the live index (scored as assignment scores a post
    against a theme), so a theme of thousands of posts reads one page of them
    from the database, not all their texts and vectors. Posts the index does not
    hold yet (no vector) come last, oldest first, without a similarity.
    """
    # Every visible post's key, device and version, oldest first: one query of
    # small rows even for thousands of posts.
    rows = list(
        PainPoint.objects.filter(theme=theme, thread__is_hidden=False)
        .order_by("created_at", "pk")
        .values_list("pk", "device_model", "os_version")
    )
    visible = [pk for pk, _device, _version in rows]
    shown = set(visible)
    index = index or get_index()
    similarity = {pk: s for pk, s in index.members(theme.pk) if pk in shown}
    order = list(similarity) + [pk for pk in visible if pk not in similarity]
    page_obj = Paginator(order, per_page or THEME_PAGE_POSTS).get_page(page)
    ids = list(page_obj.object_list)
    by_id = (
        PainPoint.objects.select_related("thread", "thread__author", "thread__board")
        .defer("thread__body_html", "vector")
        .in_bulk(ids)
    )
    posts = [by_id[pk] for pk in ids if pk in by_id]
    for post in posts:
        value = similarity.get(post.pk)
        post.theme_similarity = None if value is None else round(value, 3)
    values = list(similarity.values())
    confidence = round(sum(values) / len(values), 3) if values else 0.0
    high, medium = CONFIDENCE_LEVELS.get(index.engine.name, (0.7, 0.6))
    if confidence >= high:
        label = _("high")
    elif confidence >= medium:
        label = _("medium")
    else:
        label = _("low")
    return {
        "page": page_obj,
        "posts": posts,
        "first_post_id": visible[0] if visible else None,
        "devices": Counter(d for _pk, d, _v in rows if d).most_common(),
        "versions": Counter(v for _pk, _d, v in rows if v).most_common(),
        "terms": index.shared_terms(theme.pk) or list(theme.top_terms),
        "confidence": confidence,
        "confidence_label": label,
    }
