"""Batch clustering: average-linkage agglomeration over hybrid feature vectors.

Every post becomes one row of ``features``: the centred, unit e5 vector scaled by
``sqrt(w)`` next to a unit TF-IDF vector (words and Chinese character bigrams, hashed
into ``HASH_DIM`` signed buckets) scaled by ``sqrt(1 - w)``. A dot product of two rows
is then the hybrid similarity ``w·cos_dense + (1 − w)·cos_lexical`` (up to hashing
noise of about ``1/sqrt(HASH_DIM)``).

Because similarity is a dot product, the average similarity between two clusters is
``S_a · S_b / (n_a n_b)`` with ``S`` the sum of their rows, and after merging a and b
the average to any c is ``(n_a M_ac + n_b M_bc) / (n_a + n_b)``. So average linkage
(UPGMA) runs on one ``m × m`` matrix with O(m) work per merge. Merging stops when no
pair of clusters is more similar on average than the threshold; the number of themes
is never given.

Above ``BLOCK`` clusters, a coarse spherical k-means first splits the clusters into
blocks of about ``BLOCK / 2``; each block is agglomerated exactly, then the survivors
once more together when they fit (``FINAL_LIMIT``). This bounds memory to
``FINAL_LIMIT²`` floats and keeps 100,000 posts within a minute on two cores.

Pinned posts (placed by a person) start as one cluster per theme; two clusters that
hold pinned posts of different themes never merge (their similarity is −∞).
"""

from __future__ import annotations

import math
import zlib
from collections import Counter
from collections.abc import Sequence

import numpy as np

from feedback.clustering import graph
from feedback.clustering.engine import (
    DIM,
    Engine,
    _reference_mean,
    language,
    lexical_terms,
    post_text,
    stem_words,
)
from feedback.clustering.types import PostText, ThemeDraft

HASH_DIM = 2048
BLOCK = 8000
FINAL_LIMIT = 10000
LARGE = 20000
PRIOR_POSTS = 64
PROBES = 3


def hash_dim(n: int) -> int:
    """Hash buckets for ``n`` posts: fewer for large corpora, to bound memory (the
    feature matrix is n × (384 + buckets) floats)."""
    return HASH_DIM if n <= LARGE else HASH_DIM // 4


def _bucket(term: str, dim: int) -> tuple[int, float]:
    h = zlib.crc32(term.encode("utf-8"))
    return h % dim, (1.0 if (h >> 24) & 1 else -1.0)


def lexical_matrix(
    terms: Sequence[Counter[str]], dim: int = HASH_DIM, out: np.ndarray | None = None
) -> np.ndarray:
    """Unit TF-IDF rows (sublinear tf, smoothed idf) hashed into ``HASH_DIM``,
    written into ``out`` when given (n × dim)."""
    df: Counter[str] = Counter()
    for counts in terms:
        df.update(counts.keys())
    n = len(terms)
    if out is None:
        out = np.zeros((n, dim), dtype=np.float32)
    else:
        out[...] = 0.0
    for row, counts in enumerate(terms):
        for term, count in counts.items():
            if df[term] > 0.5 * n and n > 20:
                continue  # in most posts: says nothing about any one theme
            col, sign = _bucket(term, dim)
            idf = math.log((n + 1) / (df[term] + 1)) + 1.0
            out[row, col] += sign * (1.0 + math.log(count)) * idf
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    out /= np.maximum(norms, 1e-9)
    return out


def dense_matrix(
    engine: Engine,
    vectors: Sequence[bytes | None],
    texts: Sequence[str] | None = None,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Stored e5 vectors centred on the corpus mean and renormalised; with the
    posts' ``texts``, each on the mean of its own language (``engine.language``);
    written into ``out`` when given (n × DIM).

    Raw e5 cosines crowd into 0.7–0.9 for any two texts; centred, unrelated texts fall
    near 0, which is what makes one threshold work across corpora. In a forum of two
    languages the common mean lies between them, and what is left of each vector
    still points to its language, so any two posts of one language look alike.
    """
    if out is None:
        out = np.zeros((len(vectors), DIM), dtype=np.float32)
    else:
        out[...] = 0.0
    present = np.zeros(len(vectors), dtype=bool)
    languages = [""] * len(vectors)
    for row, blob in enumerate(vectors):
        vec = engine.decode(blob) if blob else None
        if vec is not None and vec.shape == (DIM,):
            out[row] = vec
            present[row] = True
        if texts is not None:
            languages[row] = language(texts[row], vec)
    lang = np.asarray(languages)
    for name in np.unique(lang).tolist():
        rows = present & (lang == name)
        if rows.any():
            # A small corpus' own mean is mostly its few topics: blend in the mean
            # of varied reference sentences, worth PRIOR_POSTS posts.
            prior = _reference_mean(name or None)
            total = out[rows].sum(axis=0) + PRIOR_POSTS * prior
            out[rows] -= total / (int(rows.sum()) + PRIOR_POSTS)
            out[rows] = engine.adapt(out[rows], name or None)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    out /= np.maximum(norms, 1e-9)
    return out


def features(
    engine: Engine,
    terms: Sequence[Counter[str]],
    vectors: Sequence[bytes | None],
    texts: Sequence[str] | None = None,
) -> np.ndarray:
    """One row per post whose dot products are hybrid similarities (``texts``:
    see ``dense_matrix``). Both parts are written into one matrix: at 100,000
    posts a stacked copy would add ~360 MB to the peak."""
    dim = hash_dim(len(terms))
    if not engine.dense:
        return lexical_matrix(terms, dim)
    w = engine.dense_weight
    out = np.empty((len(terms), DIM + dim), dtype=np.float32)
    dense_matrix(engine, vectors, texts, out=out[:, :DIM])
    out[:, :DIM] *= np.float32(math.sqrt(w))
    lexical_matrix(terms, dim, out=out[:, DIM:])
    out[:, DIM:] *= np.float32(math.sqrt(1 - w))
    return out


def _average_linkage(
    sums: np.ndarray, counts: np.ndarray, anchor: np.ndarray, threshold: float
) -> np.ndarray:
    """Merge clusters (rows of ``sums``) by average linkage; return each row's root.

    ``anchor[i]`` ≥ 0 names the pinned theme held by cluster i (−1: none); clusters
    with different anchors never merge.
    """
    m = len(sums)
    parent = np.arange(m)
    if m < 2:
        return parent
    counts = counts.astype(np.float64).copy()
    sim = sums @ sums.T
    scale = counts.astype(np.float32)
    sim /= scale[:, None]
    sim /= scale[None, :]
    np.fill_diagonal(sim, -np.inf)
    anchor = anchor.copy()
    anchored = np.nonzero(anchor >= 0)[0]
    if len(anchored) > 1:
        block = anchor[anchored][:, None] != anchor[anchored][None, :]
        sub = sim[np.ix_(anchored, anchored)]
        sub[block] = -np.inf
        sim[np.ix_(anchored, anchored)] = sub
    alive = np.ones(m, dtype=bool)
    best = sim.argmax(axis=1)
    best_value = sim[np.arange(m), best]
    while True:
        i = int(np.argmax(best_value))
        if not best_value[i] >= threshold:
            break
        j = int(best[i])
        ni, nj = counts[i], counts[j]
        merged = ((ni * sim[i] + nj * sim[j]) / (ni + nj)).astype(np.float32)
        merged[i] = -np.inf
        merged[~alive] = -np.inf
        sim[i] = merged
        sim[:, i] = merged
        sim[j] = -np.inf
        sim[:, j] = -np.inf
        alive[j] = False
        best_value[j] = -np.inf
        counts[i] = ni + nj
        parent[j] = i
        if anchor[j] >= 0:
            anchor[i] = anchor[j]
        best[i] = int(np.argmax(merged))
        best_value[i] = merged[best[i]]
        stale = np.nonzero(alive & ((best == i) | (best == j)))[0]
        for k in stale:
            if k != i:
                best[k] = int(np.argmax(sim[k]))
                best_value[k] = sim[k, best[k]]
        better = alive & (merged > best_value)
        better[i] = False
        best[better] = i
        best_value[better] = merged[better]
    for k in range(m):  # path compression; parents always point to survivors
        root = k
        while parent[root] != root:
            root = parent[root]
        parent[k] = root
    return parent


def _coarse_centres(units: np.ndarray, size: int, rng: np.random.Generator):
    """Centres of about ``len(units) / size`` groups of similar unit rows
    (spherical k-means, four rounds)."""
    m = len(units)
    k = max(2, math.ceil(m / size))
    centres = units[rng.choice(m, size=k, replace=False)]
    for _ in range(4):
        assign = np.argmax(units @ centres.T, axis=1)
        for c in range(k):
            members = units[assign == c]
            if len(members):
                total = members.sum(axis=0)
                centres[c] = total / max(float(np.linalg.norm(total)), 1e-9)
    return centres


def _coarse_blocks(
    units: np.ndarray, size: int, rng: np.random.Generator
) -> list[np.ndarray]:
    """Split rows into blocks of about ``size`` similar rows (spherical k-means)."""
    return _probe_blocks(units, size, rng, 1)[0]


def _probe_blocks(
    units: np.ndarray, size: int, rng: np.random.Generator, probes: int
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Blocks of about ``size`` similar rows, each row in the block of its nearest
    centre, and for each block the rows that search it: its own, and those whose
    second to ``probes``-th nearest centre it is (as an inverted-file index probes
    several lists)."""
    centres = _coarse_centres(units, size, rng)
    sim = units @ centres.T
    probes = min(probes, len(centres))
    nearest = np.argsort(-sim, axis=1)[:, :probes]
    del sim
    blocks, searchers = [], []
    for c in range(len(centres)):
        rows = np.nonzero(nearest[:, 0] == c)[0]
        extra = np.nonzero((nearest[:, 1:] == c).any(axis=1))[0]
        # A block too large for one exact pass is cut; rare with balanced data.
        for s in range(0, len(rows), 2 * size):
            blocks.append(rows[s : s + 2 * size])
            searchers.append(np.r_[rows[s : s + 2 * size], extra])
    keep = [i for i, b in enumerate(blocks) if len(b)]
    return [blocks[i] for i in keep], [searchers[i] for i in keep]


def _sums(x: np.ndarray, label: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Sum of the rows of ``x`` whose label is ``ids[k]``, for each k."""
    slot = np.full(int(label.max()) + 1, -1, dtype=np.int64)
    slot[ids] = np.arange(len(ids))
    rows = np.nonzero(slot[label] >= 0)[0]
    order = rows[np.argsort(slot[label[rows]], kind="stable")]
    keys = slot[label[order]]
    starts = np.r_[0, np.nonzero(np.diff(keys))[0] + 1]
    out = np.zeros((len(ids), x.shape[1]), dtype=np.float32)
    if len(order):
        out[keys[starts]] = np.add.reduceat(x[order], starts, axis=0)
    return out


def cluster(
    x: np.ndarray,
    anchors: Sequence[int | None],
    threshold: float,
    coarse_columns: int | None = None,
    seed: int = 7,
    groups: Sequence[int | None] | None = None,
) -> np.ndarray:
    """Cluster the rows of ``x``; ``anchors[i]`` is the pinned theme of row i.

    Returns a cluster number per row (numbers are arbitrary, rows sharing a pinned
    theme share a number).
    """
    n = len(x)
    # Initial clusters: one per pinned theme, one per given group, one per other post.
    initial = np.empty(n, dtype=np.int64)
    slot_of: dict[tuple[int, int], int] = {}
    anchor_list: list[int] = []
    for row, theme in enumerate(anchors):
        if theme is not None:
            key = (0, theme)
        elif groups is not None and groups[row] is not None:
            key = (1, groups[row])
        else:
            key = (2, row)
        if key not in slot_of:
            slot_of[key] = len(anchor_list)
            anchor_list.append(theme if theme is not None else -1)
        initial[row] = slot_of[key]
    next_id = len(anchor_list)
    counts = np.bincount(initial, minlength=next_id).astype(np.float64)
    anchor = np.asarray(anchor_list, dtype=np.int64)
    root = np.arange(next_id)
    if next_id > BLOCK:
        rng = np.random.default_rng(seed)
        # Blocks may be formed on the first ``coarse_columns`` alone (the dense
        # part): cheaper, and the semantic neighbourhood is what matters.
        coarse = x[:, :coarse_columns] if coarse_columns else x
        units = _sums(coarse, initial, np.arange(next_id))
        units /= np.maximum(np.linalg.norm(units, axis=1, keepdims=True), 1e-9)
        blocks = _coarse_blocks(units, BLOCK // 2, rng)
        del units
        for ids in blocks:
            parent = _average_linkage(
                _sums(x, initial, ids), counts[ids], anchor[ids], threshold
            )
            root[ids] = ids[parent]
        moved = np.nonzero(root != np.arange(next_id))[0]
        np.add.at(counts, root[moved], counts[moved])
        pinned = moved[anchor[moved] >= 0]
        anchor[root[pinned]] = anchor[pinned]
    live = np.unique(root)
    if len(live) <= FINAL_LIMIT:
        parent = _average_linkage(
            _sums(x, root[initial], live), counts[live], anchor[live], threshold
        )
        final = np.arange(next_id)
        final[live] = live[parent]
        root = final[root]
    return root[initial]


def absorb_small(
    x: np.ndarray,
    labels: np.ndarray,
    anchors: Sequence[int | None],
    below: int,
    threshold: float,
) -> np.ndarray:
    """Move each unpinned post of a cluster smaller than ``below`` into the cluster
    (of at least ``below`` posts) it is most similar to on average, if that average
    similarity reaches ``threshold``.

    Average linkage leaves a fringe of small clusters whose posts did not reach the
    link threshold with any one large cluster; most belong to one. Measured on
    banking77 with 5-fold group CV (``bench/cluster_quality.py``): V 0.817 → 0.821
    on all groups, and better on the training folds of every split.
    """
    ids, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    big = counts >= below
    pinned = np.fromiter((a is not None for a in anchors), dtype=bool, count=len(x))
    rows = np.nonzero(~big[inverse] & ~pinned)[0]
    if not len(rows) or not big.any():
        return labels
    big_ids = ids[big]
    centres = _sums(x, labels, big_ids) / counts[big][:, None].astype(np.float32)
    out = labels.copy()
    for start in range(0, len(rows), 2048):
        chunk = rows[start : start + 2048]
        sim = x[chunk] @ centres.T
        best = sim.argmax(axis=1)
        ok = sim[np.arange(len(chunk)), best] >= threshold
        out[chunk[ok]] = big_ids[best[ok]]
    return out


def refine(x: np.ndarray, labels: np.ndarray, fixed: np.ndarray) -> np.ndarray:
    """Move each row not ``fixed`` to the cluster whose centroid (normalised sum of
    its rows) is most similar. Banking77: V +0.005 to +0.02 after Louvain."""
    ids = np.unique(labels)
    centres = _sums(x, labels, ids)
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-9)
    out = labels.copy()
    movable = np.nonzero(~fixed)[0]
    for start in range(0, len(movable), 2048):
        chunk = movable[start : start + 2048]
        out[chunk] = ids[np.argmax(x[chunk] @ centres.T, axis=1)]
    return out


def _clustering_terms(text: str, stem: bool = False) -> Counter[str]:
    """``lexical_terms`` without the 4-grams inside Latin words: they help to find
    a duplicate (gitbugs recall) but blur themes (banking77 V 0.818 → 0.808)."""
    return lexical_terms(text, stem, grams=False)


def graph_labels(
    engine: Engine,
    terms: Sequence[Counter[str]],
    anchors: Sequence[int | None],
    resolution: float,
    vectors: Sequence[bytes | None] = (),
    texts: Sequence[str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Communities of the nearest-neighbour graph (see graph.py), pinned themes
    kept; communities still as similar on average as ``engine.graph_merge`` join
    (in a small forum Louvain leaves near-duplicates apart); then, if
    ``engine.graph_refine``, one refinement pass. The rows are the hybrid features
    with a dense engine, else corpus word vectors and TF-IDF. Returns the labels
    and the feature rows."""
    if engine.dense:
        x = features(engine, terms, vectors, texts)
    else:
        x = _corpus_features(engine, terms)
    blocks = searchers = None
    if len(x) > BLOCK:
        # Neighbours are searched within blocks of similar posts (spherical
        # k-means), smaller above ``LARGE`` posts: at 100,000 posts the graph then
        # takes ~8 s on two cores instead of ~15 s.
        size = BLOCK // 2 if len(x) <= LARGE else BLOCK // 4
        coarse = x[:, :DIM] if engine.dense else x
        blocks, searchers = _probe_blocks(
            coarse, size, np.random.default_rng(7), PROBES
        )
    source, target, weight = graph.neighbours(
        x,
        engine.graph_neighbours,
        blocks,
        searchers,
        # The hybrid's hashed lexical columns, after the dense ones. (The lexical
        # engine keeps the dense product: the sparse one sums in another order,
        # and the rounding moved its Louvain path, banking77 V 0.7535 → 0.7519.)
        sparse_from=DIM if engine.dense else None,
    )
    strong = weight >= engine.graph_floor
    edges = (source[strong], target[strong], weight[strong])
    del source, target, weight
    labels = graph.pin(graph.communities(len(x), edges, resolution), anchors)
    del edges
    # Communities that pin() gave to a pinned theme are anchored to it.
    theme_of = {int(labels[r]): a for r, a in enumerate(anchors) if a is not None}
    held = [theme_of.get(int(label)) for label in labels.tolist()]
    labels = cluster(
        x,
        held,
        engine.graph_merge,
        DIM if engine.dense else None,
        groups=labels.tolist(),
    )
    if not engine.graph_refine:
        return labels, x
    fixed = np.fromiter((a is not None for a in anchors), dtype=bool, count=len(x))
    return refine(x, labels, fixed), x


def _corpus_features(engine: Engine, terms: Sequence[Counter[str]]) -> np.ndarray:
    """Lexical engine: corpus word vectors (PPMI-SVD, graph.py) beside TF-IDF, over
    stems when ``engine.stem_terms``."""
    if engine.stem_terms:
        terms = [_stemmed(c) for c in terms]
    # Words (not Chinese character bigrams) with their counts, for word vectors.
    words = [
        [t for t, c in counts.items() if t[0] != "#" for _ in range(c)]
        for counts in terms
    ]
    w = engine.corpus_weight
    lexical = lexical_matrix(terms, hash_dim(len(terms)))
    return np.hstack(
        [math.sqrt(w) * graph.doc_vectors(words), math.sqrt(1 - w) * lexical]
    )


def _stemmed(counts: Counter[str]) -> Counter[str]:
    """Terms with English words reduced to their stems (see ``stem_words``)."""
    out: Counter[str] = Counter()
    for term, count in counts.items():
        plain = term[0] not in "#@" and term.isascii()
        out[stem_words([term])[0] if plain else term] += count
    return out


def recluster_posts(
    engine: Engine,
    posts: Sequence[PostText],
    vectors: Sequence[bytes | None],
    threshold: float | None = None,
) -> list[ThemeDraft]:
    """Themes for the whole corpus, keeping every pinned post in its theme.

    A draft holding pinned posts carries their theme id (that theme keeps its
    identity); other drafts carry ``None`` and the caller matches them to existing
    themes by overlap. Drafts come largest first.
    """
    if not posts:
        return []
    texts = [post_text(p.title, p.body) for p in posts]
    terms = [_clustering_terms(text) for text in texts]
    anchors = [p.theme_id if p.pinned else None for p in posts]
    if engine.graph_resolution:
        resolution = engine.resolution(len(posts)) if threshold is None else threshold
        labels, x = graph_labels(engine, terms, anchors, resolution, vectors, texts)
    else:
        x = features(engine, terms, vectors, texts)
        limit = engine.link_threshold if threshold is None else threshold
        groups = [p.theme_id for p in posts] if engine.recluster_from_themes else None
        labels = cluster(
            x, anchors, limit, DIM if engine.dense else None, groups=groups
        )
    if engine.absorb_below:
        labels = absorb_small(
            x, labels, anchors, engine.absorb_below, engine.absorb_threshold
        )
    members: dict[int, list[int]] = {}
    for row, lab in enumerate(labels.tolist()):
        members.setdefault(lab, []).append(row)
    drafts = []
    for rows in sorted(members.values(), key=lambda r: (-len(r), r[0])):
        pinned = {anchors[r] for r in rows} - {None}
        centre = x[rows].sum(axis=0)
        central = rows[int(np.argmax(x[rows] @ centre))]
        drafts.append(
            ThemeDraft(
                theme_id=pinned.pop() if pinned else None,
                post_ids=[posts[r].id for r in rows],
                label=posts[central].title,
                terms=group_terms([terms[r] for r in rows]),
            )
        )
    return drafts


def group_terms(terms: Sequence[Counter[str]], k: int = 6) -> list[str]:
    """Words most posts of a group share (document frequency within the group)."""
    df: Counter[str] = Counter()
    for counts in terms:
        df.update(t for t in counts if t[0] not in "#@" and len(t) > 1)
    need = max(1, len(terms) // 2) if len(terms) > 1 else 1
    return [t for t, n in df.most_common(k * 3) if n >= need][:k]
