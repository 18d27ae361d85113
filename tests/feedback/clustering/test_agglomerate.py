"""Average-linkage clustering on feature rows (no model, no database)."""

import numpy as np
import pytest

from feedback.clustering import agglomerate


def separated_groups(groups: int, size: int, dim: int = 32, seed: int = 1):
    rng = np.random.default_rng(seed)
    centres = np.linalg.qr(rng.standard_normal((dim, groups)))[0].T  # orthonormal
    truth = np.repeat(np.arange(groups), size)
    x = centres[truth] + 0.05 * rng.standard_normal((len(truth), dim))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32), truth


def same_partition(a, b) -> bool:
    pairs = set(zip(a.tolist(), b.tolist(), strict=True))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


def test_recovers_separated_groups_without_being_told_how_many():
    x, truth = separated_groups(groups=6, size=20)
    labels = agglomerate.cluster(x, [None] * len(x), threshold=0.5)
    assert same_partition(labels, truth)


@pytest.mark.parametrize("block", [40, 10_000])
def test_blocks_and_pins_give_the_same_themes(monkeypatch, block):
    """The partitioned path (many clusters) agrees with the exact one."""
    monkeypatch.setattr(agglomerate, "BLOCK", block)
    x, truth = separated_groups(groups=8, size=25)
    anchors = [None] * len(x)
    anchors[0] = 900  # a person pinned the first post of group 0 to theme 900
    anchors[1] = 900
    labels = agglomerate.cluster(x, anchors, threshold=0.5)
    assert same_partition(labels, truth)


def test_two_pinned_themes_never_merge():
    x, _truth = separated_groups(groups=1, size=10)
    anchors = [None] * len(x)
    anchors[0], anchors[1] = 1, 2  # the same problem, kept apart by a person
    labels = agglomerate.cluster(x, anchors, threshold=0.1)
    assert labels[0] != labels[1]
    assert set(labels.tolist()) == {labels[0], labels[1]}


def test_sums_add_rows_by_label():
    x = np.arange(12, dtype=np.float32).reshape(6, 2)
    label = np.array([3, 1, 3, 0, 1, 3])
    sums = agglomerate._sums(x, label, np.array([3, 0]))
    np.testing.assert_array_equal(sums, [x[[0, 2, 5]].sum(0), x[3]])


def test_small_clusters_join_the_large_cluster_they_resemble():
    x, truth = separated_groups(groups=2, size=10)
    labels = truth.copy()
    labels[[0, 1]] = 7  # two posts of group 0 left in a cluster of their own
    labels[10] = 8  # and one of group 1, pinned there by a person
    anchors = [None] * len(x)
    anchors[10] = 8
    out = agglomerate.absorb_small(x, labels, anchors, below=5, threshold=0.5)
    assert out[0] == out[1] == 0
    assert out[10] == 8


def test_small_clusters_stay_apart_below_the_threshold():
    x, truth = separated_groups(groups=2, size=10)
    labels = truth.copy()
    labels[0] = 7
    out = agglomerate.absorb_small(x, labels, [None] * len(x), below=5, threshold=1.5)
    assert out[0] == 7
