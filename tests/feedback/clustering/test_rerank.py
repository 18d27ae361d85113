"""The learned re-ranker of suggestions (feedback/clustering/rerank.py)."""

from dataclasses import replace

import numpy as np
import pytest

from feedback.clustering import ThemeIndex, post_text
from feedback.clustering.rerank import FEATURES, pair_features


def column(name):
    return FEATURES.index(name)


def test_pair_features_measure_the_chinese_characters_both_texts_share():
    parts = np.arange(10, dtype=np.float32).reshape(5, 2) / 10
    query = frozenset("花呗还款")
    features = pair_features(
        parts,
        query,
        ["呗款怎花么", ""],
        np.array([0.3, 0.4]),
        penalty={"怎": 1.0, "还": 0.5, "借": 9.0},
        bonus={"花": 2.0, "借": 9.0},
    )
    assert features.shape == (2, len(FEATURES))
    assert features[:, column("dense")].tolist() == pytest.approx([0.0, 0.1])
    assert features[:, column("cos_#")].tolist() == pytest.approx([0.8, 0.9])
    first = features[0]
    assert first[column("jaccard")] == pytest.approx(3 / 6)
    assert first[column("containment")] == pytest.approx(3 / 4)
    assert first[column("length_ratio")] == pytest.approx(4 / 5)
    assert first[column("one_sided")] == 3  # 还, 怎, 么
    assert first[column("penalty")] == pytest.approx(1.5)
    assert first[column("bonus")] == pytest.approx(2.0)
    assert first[column("hub")] == pytest.approx(0.3)
    # A post without Chinese has no character features.
    assert not features[1, column("jaccard") : column("hub")].any()


@pytest.fixture
def reranking(lexical):
    engine = replace(lexical, similar_weights=(0.0, 1.0, 0.0, 1.0, 1.0), rerank=True)
    index = ThemeIndex(engine)
    index.rerank_weights = np.zeros(len(FEATURES), dtype=np.float32)
    index.rerank_one_sided = {}
    index.rerank_shared = {}
    return index


def test_reranker_demotes_posts_about_another_product(reranking):
    index = reranking
    for post_id, text in enumerate(["借呗怎么还款", "花呗还款怎么办理"]):
        index.add(post_id, b"", None, post_text(text, ""))
    query = "花呗怎么还款"
    assert [h.post_id for h in index.similar(None, query, k=2)] == [0, 1]
    index.rerank_one_sided = {"借": -1.0, "花": -1.0}  # 借呗 (loans) ≠ 花呗 (credit)
    hits = index.similar(None, query, k=2)
    assert [h.post_id for h in hits] == [1, 0]
    assert hits[0].score > hits[1].score


def test_reranker_weighs_pair_features(reranking):
    index = reranking
    for post_id, text in enumerate(["花呗怎么还款呢是吗我的", "花呗怎么还"]):
        index.add(post_id, b"", None, post_text(text, ""))
    query = "花呗怎么还款"
    index.rerank_weights[column("length_ratio")] = 5.0  # like-sized texts first
    assert index.similar(None, query, k=1)[0].post_id == 1
    index.rerank_weights[column("length_ratio")] = -5.0
    assert index.similar(None, query, k=1)[0].post_id == 0


def test_queries_without_chinese_keep_the_base_order(reranking):
    index = reranking
    for post_id, text in enumerate(["Camera crashes at night", "Camera crashes"]):
        index.add(post_id, b"", None, post_text(text, ""))
    before = [h.post_id for h in index.similar(None, "camera crashes", k=2)]
    index.rerank_weights[column("cos_word")] = -10.0
    assert [h.post_id for h in index.similar(None, "camera crashes", k=2)] == before


def test_hub_is_higher_for_a_post_close_to_many(hybrid):
    rng = np.random.default_rng(0)
    centre = 10 * rng.standard_normal(384).astype(np.float32)
    crowd = [centre + 4 * rng.standard_normal(384) for _ in range(12)]
    loners = [10 * rng.standard_normal(384) for _ in range(12)]
    index = ThemeIndex(hybrid)
    for post_id, vector in enumerate([centre, *crowd, *loners]):
        index.add(post_id, vector.astype(np.float32), None, f"post {post_id}")
    hub = index.hub(np.array([0, 1, 13]))
    assert hub[0] > hub[1] > hub[2]
    assert hub[0] < 1.0  # a post is not its own neighbour
