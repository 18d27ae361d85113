"""Graph re-clustering: corpus word vectors, neighbour graph, communities."""

from dataclasses import replace

import numpy as np
import pytest

from feedback.clustering import PostText, agglomerate, graph, recluster
from feedback.clustering.engine import lexical_terms, stem_words
from tests.feedback.clustering.samples import BATTERY, CAMERA


def cosine(a, b) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_stems_join_inflections_of_an_english_word():
    assert stem_words(["arrived", "arriving", "arrives"]) == ["arriv"] * 3
    assert stem_words(["银行卡"]) == ["银行卡"]
    assert "arriv" in lexical_terms("My card arrived", stem=True)
    assert "arrived" in lexical_terms("My card arrived")


def test_words_used_alike_get_similar_vectors():
    """ "delivered" and "arrived" never share a post, but both go with "card" and
    "week"; "refund" goes with "fee" and "charged"."""
    docs = (
        [["card", "arrived", "week", "still"]] * 6
        + [["card", "delivered", "week", "yet"]] * 6
        + [["refund", "fee", "charged", "twice"]] * 6
        + [["refund", "fee", "wrong", "amount"]] * 6
    )
    col, vectors = graph.word_vectors(docs, dim=2)  # two topics
    arrived, delivered = vectors[col["arrived"]], vectors[col["delivered"]]
    assert cosine(arrived, delivered) > 0.9
    assert cosine(arrived, delivered) > cosine(arrived, vectors[col["refund"]]) + 0.3


def test_communities_are_found_without_being_told_how_many():
    x, truth = separated_groups(groups=5, size=12)
    edges = graph.neighbours(x, k=6)
    labels = graph.communities(len(x), edges, resolution=1.0)
    assert same_partition(labels, truth)
    blocks = [np.arange(0, 36), np.arange(36, 60)]  # block edges stay inside
    source, target, _w = graph.neighbours(x, k=6, blocks=blocks)
    assert ((source < 36) == (target < 36)).all()


def test_pinned_themes_stay_whole_and_apart():
    labels = np.array([0, 0, 0, 1, 1, 1])
    anchors = [5, None, 6, None, None, None]  # a person split community 0
    out = graph.pin(labels, anchors)
    assert out[0] != out[2]
    assert out[1] in {out[0], out[2]}
    assert out[3] == out[4] == out[5] not in {out[0], out[2]}


def test_refinement_moves_only_unpinned_posts_to_the_nearest_centre():
    x, truth = separated_groups(groups=2, size=6)
    labels = truth.copy()
    labels[[0, 1]] = 1  # two posts of group 0 were put with group 1
    fixed = np.zeros(len(x), dtype=bool)
    fixed[1] = True
    out = agglomerate.refine(x, labels, fixed)
    assert out[0] == 0
    assert out[1] == 1


def separated_groups(groups: int, size: int, dim: int = 32, seed: int = 1):
    rng = np.random.default_rng(seed)
    centres = np.linalg.qr(rng.standard_normal((dim, groups)))[0].T
    truth = np.repeat(np.arange(groups), size)
    x = centres[truth] + 0.05 * rng.standard_normal((len(truth), dim))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32), truth


def same_partition(a, b) -> bool:
    pairs = set(zip(np.asarray(a).tolist(), np.asarray(b).tolist(), strict=True))
    return len(pairs) == len(set(np.asarray(a).tolist())) == len(set(b.tolist()))


def test_lexical_recluster_handles_tiny_forums(lexical):
    for texts in (["Battery drains"], ["Card arrived late", "Card arrived late!"]):
        posts = [PostText(id=i, title=t) for i, t in enumerate(texts)]
        drafts = recluster(lexical, posts, [b""] * len(posts))
        assert [d.post_ids for d in drafts] == [list(range(len(texts)))]
        assert "arriv" not in drafts[0].terms  # terms shown to people are words


def test_hybrid_recluster_handles_tiny_forums(hybrid):
    for texts in (["Battery drains"], ["Card arrived late", "Card arrived late!"]):
        posts = [PostText(id=i, title=t) for i, t in enumerate(texts)]
        vectors = [hybrid.encode_post(t, "") for t in texts]
        drafts = recluster(hybrid, posts, vectors)
        assert [d.post_ids for d in drafts] == [list(range(len(texts)))]


def test_hybrid_recluster_keeps_unrelated_posts_of_a_small_forum_apart(hybrid):
    """Each post is linked to its nearest neighbours, however far; links weaker
    than ``graph_floor`` are dropped, so unrelated complaints stay apart."""
    texts = [
        "Battery drains overnight since the update",
        "Camera app crashes when I switch to video",
        "Wi-Fi keeps disconnecting from my router",
        "The alarm clock did not ring this morning",
        "Keyboard lags when typing in Chinese",
    ]
    posts = [PostText(id=i, title=t) for i, t in enumerate(texts)]
    vectors = [hybrid.encode_post(t, "") for t in texts]
    drafts = recluster(hybrid, posts, vectors)
    assert sorted(len(d.post_ids) for d in drafts) == [1] * len(texts)
    weak = replace(hybrid, graph_floor=-1.0)  # every neighbour a link
    assert len(recluster(weak, posts, vectors)) < len(texts)


def edge_list(edges) -> list[tuple[int, int]]:
    return sorted(zip(edges[0].tolist(), edges[1].tolist(), strict=True))


def test_rows_near_a_block_edge_find_their_neighbours_across_it():
    x, _truth = separated_groups(groups=4, size=10)
    blocks = [np.arange(0, 25), np.arange(25, 40)]  # group 2 is cut in two
    exact = graph.neighbours(x, k=5)
    cut = graph.neighbours(x, k=5, blocks=blocks)
    both = [np.arange(40), np.arange(40)]  # every row searches both blocks
    probed = graph.neighbours(x, k=5, blocks=blocks, searchers=both)
    assert edge_list(cut) != edge_list(exact)
    assert edge_list(probed) == edge_list(exact)
    assert np.bincount(probed[0], minlength=40).tolist() == [5] * 40


def test_sparse_lexical_columns_give_the_same_neighbours():
    """Hashed lexical columns multiplied as a sparse matrix: same edges, same
    similarities, as the plain dense product."""
    rng = np.random.default_rng(5)
    dense, _truth = separated_groups(groups=4, size=10)
    lexical = np.where(rng.random((40, 64)) < 0.08, rng.standard_normal((40, 64)), 0)
    x = np.hstack([dense, 0.5 * lexical]).astype(np.float32)
    blocks = [np.arange(0, 25), np.arange(25, 40)]
    both = [np.arange(40), np.arange(40)]
    for kwargs in ({}, {"blocks": blocks}, {"blocks": blocks, "searchers": both}):
        plain = graph.neighbours(x, k=5, **kwargs)
        split = graph.neighbours(x, k=5, sparse_from=dense.shape[1], **kwargs)
        assert edge_list(split) == edge_list(plain)
        order = np.lexsort((plain[1], plain[0]))
        again = np.lexsort((split[1], split[0]))
        assert np.allclose(split[2][again], plain[2][order], atol=1e-5)


def test_probe_blocks_cover_every_row_once_and_are_searched_by_neighbours():
    x, _truth = separated_groups(groups=6, size=20)
    rng = np.random.default_rng(7)
    blocks, searchers = agglomerate._probe_blocks(x, 40, rng, probes=2)
    assert sorted(np.concatenate(blocks).tolist()) == list(range(len(x)))
    for rows, queries in zip(blocks, searchers, strict=True):
        assert set(rows.tolist()) <= set(queries.tolist())
    # Each row searches its own block and one more.
    searched = np.bincount(np.concatenate(searchers), minlength=len(x))
    assert searched.tolist() == [2] * len(x)


def test_a_young_forum_is_reclustered_at_a_lower_resolution(hybrid):
    assert hybrid.graph_full_at
    assert hybrid.resolution(12) == 0.5
    assert hybrid.resolution(hybrid.graph_full_at // 4) == pytest.approx(1.0)
    assert hybrid.resolution(10**5) == hybrid.graph_resolution
    assert replace(hybrid, graph_full_at=0).resolution(12) == hybrid.graph_resolution


def test_a_forum_of_two_problems_is_reclustered_into_two_themes(hybrid):
    """At resolution 2, modularity cannot keep a theme that is half the graph
    together: each problem was split in two."""
    texts = BATTERY + CAMERA
    posts = [PostText(id=i, title=t) for i, t in enumerate(texts)]
    vectors = [hybrid.encode_post(t, "") for t in texts]

    def themes(engine) -> list[set[int]]:
        drafts = recluster(engine, posts, vectors)
        return [set(d.post_ids) for d in drafts if len(d.post_ids) > 1]

    battery, camera = set(range(len(BATTERY))), set(range(len(BATTERY), len(texts)))
    young = themes(hybrid)
    assert len(young) == 2
    assert all(t <= battery or t <= camera for t in young)
    assert len(themes(replace(hybrid, graph_full_at=0))) > 2


def test_blocks_searched_on_several_threads_give_the_edges_of_one(monkeypatch):
    """Blocks are searched at once on one thread per core (each with a one-thread
    BLAS); the edges, their order and similarities are those of a serial search
    with a one-thread BLAS."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(11)
    dense, _truth = separated_groups(groups=6, size=30)
    lexical = np.where(rng.random((180, 64)) < 0.08, rng.standard_normal((180, 64)), 0)
    x = np.hstack([dense, 0.5 * lexical]).astype(np.float32)
    order = rng.permutation(180)
    blocks = [order[i : i + 40] for i in range(0, 180, 40)]  # 5 blocks, one short
    searchers = [
        np.r_[b, order[(i * 40 + 50) % 180 :][:20]] for i, b in enumerate(blocks)
    ]
    monkeypatch.setattr(graph.os, "cpu_count", lambda: 4)
    threaded = graph.neighbours(
        x, k=6, blocks=blocks, searchers=searchers, sparse_from=24
    )
    monkeypatch.setattr(graph, "MAX_WORKERS", 1)
    with threadpool_limits(limits=1, user_api="blas"):
        serial = graph.neighbours(
            x, k=6, blocks=blocks, searchers=searchers, sparse_from=24
        )
    assert len(threaded[0]) == 180 * 6
    for got, want in zip(threaded, serial, strict=True):
        assert np.array_equal(got, want)
