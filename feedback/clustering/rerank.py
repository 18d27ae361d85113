"""Re-ranking of suggestions: a linear model over features of (query, post) pairs.

The best ``RERANK`` posts by the suggestion score are scored again with
``base score + Σ weight · feature`` plus, for Chinese texts, a learned weight for each
character in only one of the two texts (花呗 credit vs 借呗 loans) and one for each
character in both. Weights are learned by ``bench/learn_rerank.py`` from the
development sets and written to ``rerank_weights.py``.
"""

from __future__ import annotations

import numpy as np

from feedback.clustering.engine import FAMILIES

# Dense features, in the order of ``pair_features``' columns.
FEATURES = (
    "dense",
    *(f"cos_{name}" for name in FAMILIES),
    "jaccard",
    "containment",
    "length_ratio",
    "one_sided",
    "penalty",
    "bonus",
    "hub",
)
# "hub": how close a post is to its nearest neighbours in general, the mean of its
# ``HUB_K`` best cosines to a fixed sample of ``HUB_SAMPLE`` posts. Short generic
# questions sit near everything and crowd suggestion lists (hubness; the CSLS
# correction of Conneau et al. 2018); the learned weight is negative.
HUB_SAMPLE = 1000
HUB_K = 10


def char_sums(
    query: frozenset[str],
    post: frozenset[str],
    one_sided: dict[str, float],
    shared: dict[str, float],
) -> tuple[float, float]:
    """The summed ``one_sided`` weights of the characters in only one of the two
    texts, and the summed ``shared`` weights of those in both."""
    return (
        sum(one_sided.get(c, 0.0) for c in query ^ post),
        sum(shared.get(c, 0.0) for c in query & post),
    )


def pair_features(
    parts: np.ndarray,
    query_chars: frozenset[str],
    post_chars: list[str],
    hub: np.ndarray,
    penalty: dict[str, float],
    bonus: dict[str, float],
) -> np.ndarray:
    """Features of a query and each of K posts, shape (K, len(FEATURES)).

    ``parts``: (1 + len(FAMILIES), K) dense cosine and each term family's cosine
    (``ThemeIndex.suggestion_parts``); ``post_chars``: each post's distinct Chinese
    characters (``ThemeIndex.chars``). The character features (Jaccard, share of the
    smaller set found in the other, ratio of the set sizes, count of characters in
    only one text, summed ``penalty`` of those and summed ``bonus`` of the shared
    ones, from mismatch.py's tables learned on labelled pairs) are 0 when either
    text has no Chinese. ``hub``: each post's hubness (see ``HUB_SAMPLE``).
    """
    k = parts.shape[1]
    out = np.zeros((k, len(FEATURES)), dtype=np.float32)
    out[:, : parts.shape[0]] = parts.T
    out[:, -1] = hub
    n_query = len(query_chars)
    if not n_query:
        return out
    column = parts.shape[0]
    for i, chars in enumerate(post_chars):
        if not chars:
            continue
        shared = len(query_chars.intersection(chars))
        n_post = len(chars)
        union = n_query + n_post - shared
        out[i, column] = shared / union
        out[i, column + 1] = shared / min(n_query, n_post)
        out[i, column + 2] = min(n_query, n_post) / max(n_query, n_post)
        out[i, column + 3] = union - shared
        out[i, column + 4], out[i, column + 5] = char_sums(
            query_chars, frozenset(chars), penalty, bonus
        )
    return out


def rerank(
    base: np.ndarray,
    features: np.ndarray,
    query_chars: frozenset[str],
    post_chars: list[str],
    weights: np.ndarray,
    one_sided: dict[str, float],
    shared: dict[str, float],
) -> np.ndarray:
    """Re-ranked scores: ``base`` plus ``features`` @ ``weights`` plus each Chinese
    character's weight, ``one_sided`` when it is in only one text, ``shared`` when
    in both."""
    out = base + features @ weights
    if query_chars:
        for i, chars in enumerate(post_chars):
            if chars:
                out[i] += sum(
                    char_sums(query_chars, frozenset(chars), one_sided, shared)
                )
    return out
