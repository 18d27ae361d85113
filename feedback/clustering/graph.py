"""Batch clustering of the lexical engine: corpus word vectors, a nearest-neighbour
graph and its communities.

Short posts that say the same thing in other words ("my card has not arrived",
"when will I get my card") share few terms, so TF-IDF alone links them weakly. The
corpus itself tells which words are used alike: ``word_vectors`` factorises the
positive PMI of words that occur in the same post (PPMI-SVD, no model, no labels),
and a post's ``doc_vectors`` row is the IDF-weighted sum of its words' vectors. Each
post is then a row of ``sqrt(w)·corpus vector`` next to ``sqrt(1 − w)·TF-IDF``.

Average linkage over those rows stops at banking77 V ≈ 0.71. Instead every post is
linked to its ``k`` most similar posts, and Louvain (igraph) finds the communities
of that graph by modularity at a given resolution (more, smaller themes as it
grows); the number of themes is never given. One pass of reassignment to the
communities' centroids (``agglomerate.refine``) then moves posts that Louvain left
at a border.
"""

from __future__ import annotations

import math
import os
import random
from collections import Counter
from collections.abc import Sequence

import numpy as np

VOCABULARY = 5000
# Threads that search the neighbour graph's blocks at once.
MAX_WORKERS = 4
# Posts per chunk when counting word pairs (bounds memory at 100,000 posts).
PAIR_CHUNK = 4096


def word_vectors(
    docs: Sequence[Sequence[str]],
    dim: int = 50,
    vocabulary: int = VOCABULARY,
    seed: int = 7,
) -> tuple[dict[str, int], np.ndarray]:
    """Unit vectors of the ``vocabulary`` words in most posts (seen in ≥ 2), from a
    truncated SVD of their positive PMI within posts (context counts smoothed with
    the 0.75 power, singular values weighted by their square root)."""
    df: Counter[str] = Counter()
    for words in docs:
        df.update(set(words))
    ranked = sorted(df.items(), key=lambda item: (-item[1], item[0]))
    vocab = [w for w, c in ranked[:vocabulary] if c >= 2]
    col = {w: i for i, w in enumerate(vocab)}
    v = len(vocab)
    if v < 2:
        return col, np.zeros((v, dim), dtype=np.float32)
    counts = np.zeros(v * v, dtype=np.float32)
    for start in range(0, len(docs), PAIR_CHUNK):
        pairs = []
        for words in docs[start : start + PAIR_CHUNK]:
            ids = np.fromiter({col[w] for w in words if w in col}, dtype=np.int64)
            if len(ids) > 1:
                pairs.append((ids[:, None] * v + ids[None, :]).ravel())
        if pairs:
            counts += np.bincount(np.concatenate(pairs), minlength=v * v)
    co = counts.reshape(v, v)
    np.fill_diagonal(co, 0)
    del counts
    row = co.sum(axis=1)
    context = row**0.75
    with np.errstate(divide="ignore"):
        pmi = np.log(co) + math.log(context.sum())
        pmi -= np.log(np.maximum(row, 1e-12))[:, None]
        pmi -= np.log(np.maximum(context, 1e-12))[None, :]
    ppmi = np.maximum(pmi, 0).astype(np.float32)
    del pmi, co
    k = min(dim + 20, v)
    rng = np.random.default_rng(seed)
    # Randomised SVD (Halko et al.): three power iterations suffice for the top 50.
    q = _orthonormal(ppmi @ rng.standard_normal((v, k)).astype(np.float32))
    for _ in range(3):
        q = _orthonormal(ppmi @ (ppmi.T @ q))
    u, s, _vt = np.linalg.svd(q.T @ ppmi, full_matrices=False)
    out = (q @ u)[:, :dim] * np.sqrt(s[:dim])
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
    return col, out.astype(np.float32)


def _orthonormal(a: np.ndarray) -> np.ndarray:
    """An orthonormal basis of the columns of ``a`` (tall and thin), from the
    eigenvectors of its Gram matrix: NumPy's QR took ~1 s for 3,000 × 70."""
    values, vectors = np.linalg.eigh((a.T @ a).astype(np.float64))
    keep = values > values.max() * 1e-6  # float32 columns: beyond that, noise
    return (a @ (vectors[:, keep] / np.sqrt(values[keep]))).astype(np.float32)


def doc_vectors(docs: Sequence[Sequence[str]], dim: int = 50) -> np.ndarray:
    """One unit row per post: the sublinear-tf·IDF-weighted sum of its words'
    ``word_vectors``, centred on the corpus mean."""
    col, vectors = word_vectors(docs, dim)
    df: Counter[str] = Counter()
    for words in docs:
        df.update(set(words))
    n = len(docs)
    out = np.zeros((n, vectors.shape[1]), dtype=np.float32)
    for r, words in enumerate(docs):
        for word, count in Counter(words).items():
            i = col.get(word)
            if i is not None:
                idf = math.log((n + 1) / (df[word] + 1)) + 1.0
                out[r] += (1.0 + math.log(count)) * idf * vectors[i]
    out -= out.mean(axis=0)
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
    return out


def neighbours(
    x: np.ndarray,
    k: int,
    blocks: Sequence[np.ndarray] | None = None,
    searchers: Sequence[np.ndarray] | None = None,
    sparse_from: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges (source, target, similarity) from each row to its ``k`` most similar
    rows, within each block of rows (all rows by default).

    ``searchers[b]`` (default: ``blocks[b]`` itself) are the rows that look for
    neighbours in block ``b``; a row that searches several blocks keeps its ``k``
    best over all of them, so posts near the edge of a block find their neighbours
    on the other side too. The columns from ``sparse_from`` on (hashed lexical
    terms, a few non-zero of hundreds) are multiplied as a sparse matrix: the
    same similarities, for a fraction of the work (100,000 posts: the search
    takes 16 s instead of 20 s; most of the rest is choosing the k best)."""
    everything = [np.arange(len(x))]
    blocks = blocks if blocks is not None else everything
    split = x.shape[1] if sparse_from is None else sparse_from
    lexical = None
    if split < x.shape[1]:
        from scipy import sparse

        lexical = sparse.csr_matrix(x[:, split:])
    # Blocks do not share rows: each row's block and place in it, set once.
    position = np.full(len(x), -1, dtype=np.int64)
    block_of = np.full(len(x), -1, dtype=np.int64)
    for b, rows in enumerate(blocks):
        position[rows] = np.arange(len(rows))
        block_of[rows] = b

    def search(b: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        rows = blocks[b]
        queries = rows if searchers is None else searchers[b]
        kk = min(k, len(rows) - 1)
        if kk < 1 or not len(queries):
            return []
        block = x[rows, :split]
        lexical_block = None if lexical is None else lexical[rows].T.tocsc()
        found = []
        for start in range(0, len(queries), 1024):
            chunk = queries[start : start + 1024]
            sim = x[chunk, :split] @ block.T
            if lexical is not None:
                sim += (lexical[chunk] @ lexical_block).toarray()
            inside = np.nonzero(block_of[chunk] == b)[0]
            sim[inside, position[chunk[inside]]] = -np.inf
            top = np.argpartition(-sim, kk - 1, axis=1)[:, :kk]
            found.append(
                (
                    np.repeat(chunk, kk),
                    rows[top].ravel(),
                    np.take_along_axis(sim, top, axis=1).ravel(),
                )
            )
        return found

    # Choosing the k best (argpartition) costs as much as the products and runs
    # on one core, so blocks are searched on one thread per core, each with a
    # one-thread BLAS (100,000 posts of bench/api_posts.py: 19 s → 12 s). The
    # edges come in the same order; a one-thread BLAS may round a sum apart in
    # the last bit (2 of 500,000 targets differed from a two-thread product).
    workers = min(len(blocks), os.cpu_count() or 1, MAX_WORKERS)
    if workers > 1:
        from concurrent.futures import ThreadPoolExecutor

        from threadpoolctl import threadpool_limits

        with (
            threadpool_limits(limits=1, user_api="blas"),
            ThreadPoolExecutor(workers) as pool,
        ):
            results = list(pool.map(search, range(len(blocks))))
    else:
        results = [search(b) for b in range(len(blocks))]
    found = [part for parts in results for part in parts]
    sources = [part[0] for part in found]
    targets = [part[1] for part in found]
    weights = [part[2] for part in found]
    if not sources:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)
    source, target, weight = (
        np.concatenate(sources),
        np.concatenate(targets),
        np.concatenate(weights),
    )
    if searchers is None:
        return source, target, weight
    # Rows that searched several blocks: keep their k best.
    order = np.lexsort((-weight, source))
    source, target, weight = source[order], target[order], weight[order]
    starts = np.r_[0, np.nonzero(np.diff(source))[0] + 1]
    lengths = np.diff(np.r_[starts, len(source)])
    rank = np.arange(len(source)) - np.repeat(starts, lengths)
    keep = (rank < k) & np.isfinite(weight)
    return source[keep], target[keep], weight[keep]


def communities(
    n: int,
    edges: tuple[np.ndarray, np.ndarray, np.ndarray],
    resolution: float,
    seed: int = 7,
) -> np.ndarray:
    """Louvain communities of the undirected graph (an edge found from both ends
    counts once); rows without a positive edge stay alone."""
    import igraph

    source, target, weight = edges
    keep = weight > 0
    graph = igraph.Graph(n=n, edges=np.c_[source[keep], target[keep]])
    graph.es["weight"] = weight[keep].astype(np.float64)
    graph = graph.simplify(combine_edges="max")
    # igraph draws from Python's random module: a seeded generator makes re-clustering
    # the same posts give the same themes.
    igraph.set_random_number_generator(random.Random(seed))  # noqa: S311
    try:
        found = graph.community_multilevel(weights="weight", resolution=resolution)
    finally:
        igraph.set_random_number_generator(random)
    return np.asarray(found.membership, dtype=np.int64)


def pin(labels: np.ndarray, anchors: Sequence[int | None]) -> np.ndarray:
    """Labels where each pinned theme is one cluster of its own, and the other rows
    of a community holding pinned posts join the theme most of them were pinned to."""
    out = labels.copy()
    top = int(labels.max()) + 1 if len(labels) else 0
    slot: dict[int, int] = {}
    votes: dict[int, Counter[int]] = {}
    for row, theme in enumerate(anchors):
        if theme is not None:
            slot.setdefault(theme, top + len(slot))
            votes.setdefault(int(labels[row]), Counter())[theme] += 1
            out[row] = slot[theme]
    for row, theme in enumerate(anchors):
        if theme is None and int(labels[row]) in votes:
            out[row] = slot[votes[int(labels[row])].most_common(1)[0][0]]
    return out
