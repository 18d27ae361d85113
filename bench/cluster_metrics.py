"""Clustering metrics without scikit-learn: V-measure and adjusted Rand index."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Sequence


def _entropy(counts) -> float:
    total = sum(counts)
    return -sum(c / total * math.log(c / total) for c in counts if c)


def v_measure(truth: Sequence[Hashable], pred: Sequence[Hashable]) -> float:
    """Harmonic mean of homogeneity and completeness (Rosenberg & Hirschberg 2007)."""
    n = len(truth)
    joint = Counter(zip(truth, pred, strict=True))
    tc, pc = Counter(truth), Counter(pred)
    ht, hp = _entropy(tc.values()), _entropy(pc.values())
    h_t_given_p = -sum(c / n * math.log(c / pc[p]) for (_t, p), c in joint.items())
    h_p_given_t = -sum(c / n * math.log(c / tc[t]) for (t, _p), c in joint.items())
    homogeneity = 1.0 if ht == 0 else 1 - h_t_given_p / ht
    completeness = 1.0 if hp == 0 else 1 - h_p_given_t / hp
    if homogeneity + completeness == 0:
        return 0.0
    return 2 * homogeneity * completeness / (homogeneity + completeness)


def adjusted_rand(truth: Sequence[Hashable], pred: Sequence[Hashable]) -> float:
    """Hubert & Arabie's adjusted Rand index."""

    def pairs(x: float) -> float:
        return x * (x - 1) / 2

    joint = sum(pairs(c) for c in Counter(zip(truth, pred, strict=True)).values())
    sum_t = sum(pairs(c) for c in Counter(truth).values())
    sum_p = sum(pairs(c) for c in Counter(pred).values())
    expected = sum_t * sum_p / pairs(len(truth))
    maximum = (sum_t + sum_p) / 2
    return (joint - expected) / (maximum - expected) if maximum != expected else 1.0
