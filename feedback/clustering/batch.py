"""Batch re-clustering, labels and explanations."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from feedback.clustering.agglomerate import recluster_posts
from feedback.clustering.engine import Engine, lexical_terms, post_text
from feedback.clustering.index import ThemeIndex
from feedback.clustering.types import PostText, ThemeDraft


def recluster(
    engine: Engine,
    posts: list[PostText],
    vectors: list[bytes],
    threshold: float | None = None,
) -> list[ThemeDraft]:
    """Cluster the whole corpus again, better than the one-pass online order.

    Communities of a nearest-neighbour graph over the hybrid features, joined
    further by average linkage (``agglomerate.graph_labels``), then small themes
    absorbed by the large one they resemble (``absorb_small``): on banking77 V
    0.851, against 0.821 for average linkage from single posts and 0.80 for the
    online pass plus sweeps below (``recluster_sweeps``). The lexical engine's
    graph is over corpus word vectors and TF-IDF.
    Pinned posts stay in their theme, and a draft holding pinned posts carries
    that theme's id.
    """
    return recluster_posts(engine, posts, vectors, threshold)


def recluster_sweeps(
    engine: Engine, posts: list[PostText], vectors: list[bytes], sweeps: int = 2
) -> list[ThemeDraft]:
    """Cluster the whole corpus again, better than the one-pass online order.

    1. Pinned posts seed their themes; all other posts go through the online pass
       again (oldest first), so automatic themes that mixed problems can split.
    2. Refinement sweeps, as in k-means: each unpinned post leaves its theme and is
       assigned again to the best theme given everyone else (or opens its own).
    3. Themes whose centres are closer than ``engine.merge_threshold`` are joined,
       unless both hold pinned posts (two groups a person kept apart).
    Pinned posts (placed by a person) never move, and their themes keep their ids;
    the caller maps the other drafts to existing themes by overlap.
    """
    n = len(posts)
    texts = [post_text(p.title, p.body) for p in posts]
    work = ThemeIndex(engine, capacity=max(1024, n))
    labels: list[int] = [0] * n
    # New drafts get labels above every existing theme id (the index treats negative
    # theme ids as "no theme").
    fresh = 1 + max((p.theme_id or 0 for p in posts), default=0)
    # Pinned posts first: they seed the themes a person shaped.
    for i, post in enumerate(posts):
        if post.pinned and post.theme_id is not None:
            labels[i] = post.theme_id
            work.add(post.id, vectors[i], post.theme_id, texts[i])
    # Everything else goes through the online pass again, oldest first: earlier
    # automatic themes are not trusted, so a theme that mixed two problems can split.
    for i, post in enumerate(posts):
        if post.pinned and post.theme_id is not None:
            continue
        vec = engine.decode(vectors[i]) if engine.dense else None
        assignment = work.assign(vec, texts[i])
        if assignment.theme_id is None:
            labels[i] = fresh
            fresh += 1
        else:
            labels[i] = assignment.theme_id
        work.add(post.id, vectors[i], labels[i], texts[i])
    movable = [
        i for i, p in enumerate(posts) if not (p.pinned and p.theme_id is not None)
    ]
    for _sweep in range(sweeps):
        for i in movable:
            work.move(posts[i].id, None)
            vec = engine.decode(vectors[i]) if engine.dense else None
            assignment = work.assign(vec, texts[i])
            if assignment.theme_id is None:
                if work.theme_n[work._theme_slot(labels[i])] > 0:
                    labels[i] = fresh
                    fresh += 1
            else:
                labels[i] = assignment.theme_id
            work.move(posts[i].id, labels[i])
    pinned_themes = {p.theme_id for p in posts if p.pinned and p.theme_id is not None}
    merged_into = _merge_close_themes(engine, work, pinned_themes)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[merged_into.get(labels[i], labels[i])].append(i)
    drafts = []
    for theme, members in groups.items():
        drafts.append(
            ThemeDraft(
                theme_id=theme if theme in pinned_themes else None,
                post_ids=[posts[i].id for i in members],
                label=label(
                    engine,
                    [posts[i] for i in members],
                    work,
                    [work.row_of[posts[i].id] for i in members],
                ),
                terms=top_terms([texts[i] for i in members]),
            )
        )
    return drafts


def _merge_close_themes(engine: Engine, index: ThemeIndex, keep_apart: set[int]):
    """Map theme → theme it joins, for themes whose dense centres nearly coincide."""
    if index.theme_unit is None:
        return {}
    live = [
        s for s, count in enumerate(index.theme_n[: len(index.theme_keys)]) if count > 0
    ]
    if len(live) < 2:
        return {}
    parent = {index.theme_keys[s]: index.theme_keys[s] for s in live}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    units = index.theme_unit[live]
    for start in range(0, len(live), 1024):
        block = units[start : start + 1024] @ units.T
        for offset, row in enumerate(block):
            i = start + offset
            row[: i + 1] = -1  # each pair once
            j = int(np.argmax(row))
            if row[j] < engine.merge_threshold:
                continue
            a, b = find(index.theme_keys[live[i]]), find(index.theme_keys[live[j]])
            if a != b and not (a in keep_apart and b in keep_apart):
                keep, drop = (
                    (a, b)
                    if a in keep_apart
                    or index.theme_n[index.theme_row[a]]
                    >= index.theme_n[index.theme_row[b]]
                    else (b, a)
                )
                parent[drop] = keep
    return {theme: find(theme) for theme in parent if find(theme) != theme}


def top_terms(texts: list[str], k: int = 6) -> list[str]:
    """Terms that most of the texts share (document frequency within the group)."""
    df: Counter = Counter()
    for text in texts:
        df.update({t for t in lexical_terms(text) if t[0] not in "#@" and len(t) > 1})
    need = max(1, len(texts) // 2) if len(texts) > 1 else 1
    return [t for t, n in df.most_common(k * 3) if n >= need][:k]


def label(
    engine: Engine,
    posts: list[PostText],
    index: ThemeIndex | None = None,
    rows: list[int] | None = None,
) -> str:
    """A readable theme label: the title of the most central post."""
    if not posts:
        return ""
    if index is not None and index.dense is not None and rows and len(rows) > 2:
        matrix = index.dense[rows]
        centre = matrix.mean(axis=0)
        best = int(np.argmax(matrix @ centre))
        return posts[best].title
    return min(posts, key=lambda p: (len(p.title), p.id)).title
