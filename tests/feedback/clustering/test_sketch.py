"""In a large forum suggestions scan a sketch of every post's vector and score
a shortlist exactly (``ThemeIndex.dense_scores``); here "large" is lowered to a
few hundred posts."""

import random

import numpy as np
import pytest

from feedback.clustering import ThemeIndex, post_text
from feedback.clustering import index as index_module
from feedback.clustering.snapshot import load, save

TITLES = [
    "Camera app crashes when I switch to night mode",
    "Battery drains 30 percent overnight while idle",
    "Wi-Fi disconnects every few minutes at home",
    "Keyboard lags when typing quickly in chat apps",
    "Notifications arrive late when the screen is locked",
    "电池一晚上掉电很快",
    "无线网络经常断开",
    "相机打开夜景模式就闪退",
]
WORDS = ["again", "today", "update", "since", "after", "every", "often", "still"]


@pytest.fixture
def small_sketch(monkeypatch):
    monkeypatch.setattr(index_module, "SKETCH_FROM", 300)
    monkeypatch.setattr(index_module, "SKETCH_DIM", 24)
    monkeypatch.setattr(index_module, "SHORTLIST", 100)


def _forum(engine, n, seed=3):
    """``n`` posts: variants of the titles, each vector the title's own plus noise
    (encoding hundreds of texts would take seconds). The shortlist is longer than
    a title's variants, which the sketch cannot tell apart."""
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    base = engine.encode_texts(TITLES)
    posts = []
    for i in range(n):
        k = i % len(TITLES)
        vector = base[k] + 0.03 * noise.standard_normal(base.shape[1])
        vector /= np.linalg.norm(vector)
        text = post_text(f"{TITLES[k]} {' '.join(rng.sample(WORDS, 2))} {i}", "")
        posts.append((text, vector.astype(np.float16).tobytes()))
    return posts


def _built(engine, posts):
    index = ThemeIndex(engine, capacity=16)  # grows on the way
    for i, (text, blob) in enumerate(posts):
        index.add(100 + i, blob, 1 + i % len(TITLES), text)
    return index


def _queries(engine):
    texts = [
        "The camera crashes in night mode",
        "待机时电池掉电快",
        "wifi keeps dropping",
    ]
    return list(zip(texts, engine.encode_texts(texts), strict=True))


def test_the_sketch_is_fitted_and_kept_current(hybrid, small_sketch):
    index = _built(hybrid, _forum(hybrid, 650))

    # Fitted at 300 posts and again at 600; every row since is projected as it
    # arrives, and rows re-centred on their language's new mean are projected again.
    assert index.sketched_at == 600
    basis, rows = index.sketch
    n = index.size
    assert basis.shape == (index.dense.shape[1], 24)
    np.testing.assert_allclose(rows[:n], index.dense[:n] @ basis, atol=1e-5)


def test_suggestions_from_the_sketch_match_the_full_scan(hybrid, small_sketch):
    index = _built(hybrid, _forum(hybrid, 650))
    n = index.size

    for text, vector in _queries(hybrid):
        query = index.centre(vector, index.language(text, vector))
        exact = index.dense[:n] @ query
        estimated = index.dense_scores(query)
        best = np.argsort(-exact)[:5]
        # The nearest rows made the shortlist and carry their exact cosine.
        np.testing.assert_allclose(estimated[best], exact[best], atol=1e-5)
        assert not np.allclose(estimated, exact, atol=1e-3)  # the rest: estimates
        sketched = [s.post_id for s in index.similar(vector, text, k=5)]
        fitted, index.sketch = index.sketch, None  # the full scan
        assert [s.post_id for s in index.similar(vector, text, k=5)] == sketched
        index.sketch = fitted


def test_a_small_forum_is_scanned_in_full(hybrid, small_sketch):
    index = _built(hybrid, _forum(hybrid, 120))

    assert index.sketch is None
    text, vector = _queries(hybrid)[0]
    query = index.centre(vector, index.language(text, vector))
    np.testing.assert_allclose(
        index.dense_scores(query), index.dense[: index.size] @ query, atol=1e-6
    )


def test_a_loaded_snapshot_fits_its_sketch(hybrid, small_sketch, tmp_path):
    index = _built(hybrid, _forum(hybrid, 650))
    save(index, tmp_path / "index.npz", {})

    loaded, _meta = load(tmp_path / "index.npz", hybrid)

    assert loaded.sketch is not None and loaded.sketched_at == index.size
    for text, vector in _queries(hybrid):
        got, want = loaded.similar(vector, text, k=5), index.similar(vector, text, k=5)
        assert [s.post_id for s in got] == [s.post_id for s in want]
        np.testing.assert_allclose(
            [s.score for s in got], [s.score for s in want], atol=1e-5
        )
