"""The clustering engine as a library: texts in, themes out (no database)."""

import logging
from dataclasses import replace

import numpy as np
import pytest

from feedback.clustering import (
    PostText,
    ThemeIndex,
    get_engine,
    label,
    post_text,
    recluster,
)
from feedback.clustering.engine import encoder_text
from tests.feedback.clustering import samples

CAMERA = [
    "Camera app crashes when I open it",
    "The camera crashes as soon as I open the app",
    "相机打开就闪退",
    "相機打開就閃退，每次都這樣",
]
BATTERY = [
    "Battery drains very fast overnight",
    "Battery drain overnight is terrible, lost 40 percent",
    "电池一晚上掉电很快",
    "電池耗電太快，一晚上掉一半",
]


def build(engine, groups):
    """An index holding each group of texts as one theme (theme ids 100, 101, …)."""
    index = ThemeIndex(engine)
    post_id = 0
    for theme, texts in enumerate(groups, start=100):
        for text in texts:
            index.add(post_id, engine.encode_post(text, ""), theme, post_text(text, ""))
            post_id += 1
    return index


def test_vector_round_trips_through_bytes(hybrid):
    blob = hybrid.encode_post("Camera app crashes", "when I open it")
    assert isinstance(blob, bytes)
    vector = hybrid.decode(blob)
    assert vector.shape == (384,)
    direct = hybrid.encode_query(encoder_text("Camera app crashes", "when I open it"))
    assert float(vector @ direct) == pytest.approx(1.0, abs=2e-3)
    assert hybrid.decode(vector.astype(np.float16).tobytes()).tobytes() == (
        vector.tobytes()
    )


def test_a_batch_encodes_as_single_posts_do_and_restores_one_thread(hybrid):
    from feedback.clustering.engine import _model

    texts = CAMERA + BATTERY
    batch = hybrid.encode_texts(texts)  # two threads for the batch
    single = np.stack([hybrid.encode_texts([text])[0] for text in texts])
    assert batch.shape == (len(texts), 384)
    assert np.allclose(batch, single, atol=1e-4)
    # A single post is encoded by one thread again afterwards.
    assert _model()._lib.omp_get_max_threads() == 1


def test_encoder_threads_come_from_the_environment(monkeypatch, caplog):
    from feedback.clustering.engine import encoder_threads

    monkeypatch.delenv("FANLOOP_ENCODER_THREADS", raising=False)
    assert encoder_threads() == 1
    monkeypatch.setenv("FANLOOP_ENCODER_THREADS", "2")
    assert encoder_threads() == 2
    monkeypatch.setenv("FANLOOP_ENCODER_THREADS", "two")
    with caplog.at_level(logging.WARNING):
        assert encoder_threads() == 1
    assert "FANLOOP_ENCODER_THREADS must be a number" in caplog.text


def test_lexical_engine_stores_no_vector(lexical):
    assert lexical.encode_post("Camera app crashes", "") == b""
    assert lexical.encode_query("Camera app crashes") is None


def test_near_duplicate_joins_the_existing_theme(engine):
    index = build(engine, [CAMERA, BATTERY])
    text = "camera app crashed when I opened it"
    result = index.assign(engine.encode_query(text), text)
    assert result.theme_id == 100
    assert not result.is_new


def test_chinese_near_duplicate_joins_the_existing_theme(engine):
    index = build(engine, [CAMERA, BATTERY])
    text = "電池掉電很快"
    result = index.assign(engine.encode_query(text), text)
    assert result.theme_id == 101


def test_unrelated_text_opens_a_new_theme(engine):
    index = build(engine, [CAMERA, BATTERY])
    text = "Please add a recipe section for vegetarian dinners"
    result = index.assign(engine.encode_query(text), text)
    assert result.is_new
    assert result.theme_id is None


def test_similar_returns_at_most_k_posts_with_their_themes(engine):
    index = build(engine, [CAMERA, BATTERY])
    text = "my phone battery drains overnight"
    hits = index.similar(engine.encode_query(text), text, k=3)
    assert len(hits) == 3
    assert hits[0].theme_id == 101
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_add_move_remove_keep_centroids_consistent(hybrid):
    index = build(hybrid, [CAMERA, BATTERY])
    index.move(0, 101)
    index.remove(5)
    index.add(50, hybrid.encode_post("Phone gets hot while charging", ""), 102, "x")
    index.move(50, 100)
    for theme in (100, 101, 102):
        rows = [
            r for r in range(index.size) if index.active[r] and index.themes[r] == theme
        ]
        slot = index.theme_row[theme]
        assert index.theme_n[slot] == len(rows)
        expected = index.dense[rows].sum(axis=0) if rows else np.zeros(384)
        np.testing.assert_allclose(index.theme_sum[slot], expected, atol=1e-4)
    assert index.theme_of(0) == 101
    assert index.theme_of(50) == 100
    assert len(index) == len(CAMERA) + len(BATTERY)


def test_recluster_keeps_pinned_posts_and_their_theme(engine):
    texts = CAMERA + BATTERY
    # Everything sits in one automatic theme (7); a person pinned a camera post there.
    posts = [PostText(id=i, title=t, theme_id=7) for i, t in enumerate(texts)]
    posts[0] = PostText(id=0, title=texts[0], theme_id=7, pinned=True)
    vectors = [engine.encode_post(p.title, "") for p in posts]
    drafts = recluster(engine, posts, vectors)
    by_post = {pid: d for d in drafts for pid in d.post_ids}
    assert sorted(by_post) == list(range(len(texts)))
    assert by_post[0].theme_id == 7
    assert [d.theme_id for d in drafts].count(7) == 1
    # The battery posts were not pinned: they leave the camera theme.
    assert not {4, 5} & set(by_post[0].post_ids)
    assert all(d.label for d in drafts)


def test_recluster_never_joins_themes_a_person_kept_apart(engine):
    texts = ["Battery drains fast overnight", "Battery drains fast overnight!"]
    posts = [
        PostText(id=1, title=texts[0], theme_id=9, pinned=True),
        PostText(id=2, title=texts[1], theme_id=10, pinned=True),
        PostText(id=3, title="battery drains fast overnight"),
    ]
    vectors = [engine.encode_post(p.title, "") for p in posts]
    drafts = recluster(engine, posts, vectors)
    by_post = {pid: d for d in drafts for pid in d.post_ids}
    assert by_post[1].theme_id == 9
    assert by_post[2].theme_id == 10
    assert by_post[1] is not by_post[2]
    assert by_post[3].theme_id in {9, 10}


def test_recluster_separates_mixed_themes(hybrid):
    texts = CAMERA + BATTERY
    posts = [PostText(id=i, title=t, theme_id=1) for i, t in enumerate(texts)]
    vectors = [hybrid.encode_post(t, "") for t in texts]
    drafts = recluster(hybrid, posts, vectors)
    for draft in drafts:  # no theme mixes the two problems
        assert len({pid < len(CAMERA) for pid in draft.post_ids}) == 1
    # Same-language near-duplicates are always together.
    by_post = {pid: d for d in drafts for pid in d.post_ids}
    assert by_post[0] is by_post[1]
    assert by_post[6] is by_post[7]


def test_a_themes_members_and_shared_terms_explain_the_grouping(engine):
    """The theme page's "why grouped": each post's similarity to the theme's
    centre (a stray post scores lowest) and the words most posts share."""
    texts = samples.BATTERY[:4] + CAMERA[:1]
    index = ThemeIndex(engine)
    for i, text in enumerate(texts):
        index.add(i, engine.encode_post(text, ""), 7, post_text(text, ""))
    index.add(99, engine.encode_post(CAMERA[1], ""), 8, post_text(CAMERA[1], ""))
    members = index.members(7)
    assert {pid for pid, _ in members} == set(range(5))
    assert members[-1][0] == 4  # the camera post
    assert [s for _, s in members] == sorted((s for _, s in members), reverse=True)
    assert all(-1.0 <= s <= 1.0 for _, s in members)
    assert "battery" in index.shared_terms(7)
    assert "camera" not in index.shared_terms(7)
    index.move(4, 8)  # a PM moves it: it leaves the list and the centre
    assert [pid for pid, _ in index.members(7)] != [] and 4 not in dict(
        index.members(7)
    )
    assert dict(index.members(8)).keys() == {4, 99}
    assert index.members(12345) == [] and index.shared_terms(12345) == []


def test_label_is_a_readable_title_of_the_theme(engine):
    posts = [PostText(id=i, title=t) for i, t in enumerate(BATTERY)]
    assert label(engine, posts) in BATTERY


def test_hybrid_falls_back_to_lexical_with_a_warning_when_the_encoder_fails(caplog):
    def broken_encoder():
        raise OSError("libgomp.so.1: cannot open shared object file")

    with caplog.at_level(logging.WARNING, logger="feedback.clustering"):
        engine = get_engine("hybrid", factory=broken_encoder)
    assert engine.name == "lexical"
    assert any("lexical" in r.getMessage() for r in caplog.records)
    text = "camera crashes"
    index = build(engine, [CAMERA])
    assert index.assign(engine.encode_query(text), text).theme_id == 100


def test_unknown_engine_name_is_an_error():
    with pytest.raises(ValueError, match="unknown"):
        get_engine("quantum")


def test_suggestions_weigh_each_term_family_by_its_own_cosine(lexical):
    engine = replace(lexical, similar_weights=(0.0, 1.0, 0.0, 0.0, 0.5))
    index = ThemeIndex(engine)
    texts = ["Camera crashes in night mode", "相机夜景模式闪退", "Battery drains"]
    for post_id, text in enumerate(texts):
        index.add(post_id, b"", None, post_text(text, ""))
    index.remove(2)
    scores = index.suggestion_scores(None, post_text(texts[0], ""))
    assert scores[0] == pytest.approx(1.0, abs=1e-5)  # same Latin words
    assert scores[1] == pytest.approx(0.0)
    assert scores[2] == -np.inf  # removed
    chinese = index.suggestion_scores(None, post_text(texts[1], ""))
    # Chinese words weigh 0 here, character bigrams 0.5.
    assert chinese[1] == pytest.approx(0.5, abs=1e-5)


def test_suggestions_demote_posts_about_another_product(lexical):
    engine = replace(
        lexical, similar_weights=(0.0, 0.0, 0.0, 0.0, 1.0), mismatch_weight=1.0
    )
    index = ThemeIndex(engine)
    for post_id, text in enumerate(["借呗怎么还款", "花呗还款怎么办理"]):
        index.add(post_id, b"", None, post_text(text, ""))
    query = "花呗怎么还款"
    index.mismatch_penalty = {}
    assert [h.post_id for h in index.similar(None, query, k=2)] == [0, 1]
    index.mismatch_penalty = {"借": 1.0, "花": 1.0}  # 借呗 (loans) ≠ 花呗 (credit)
    assert [h.post_id for h in index.similar(None, query, k=2)] == [1, 0]
    scores = [h.score for h in index.similar(None, query, k=2)]
    assert scores == sorted(scores, reverse=True)


def test_the_shipped_reference_means_are_the_models(hybrid):
    """The means a post is centred on before its language has enough posts are read
    from reference.npy instead of encoded in a process's first request: they must be
    what the bundled model gives for REFERENCE_TEXTS now (after changing either,
    write them again: ``np.save(REFERENCE_PATH, reference_means())``)."""
    from feedback.clustering import engine as engine_module

    shipped = np.load(engine_module.REFERENCE_PATH, allow_pickle=False)
    assert shipped.shape == (3, 384) and shipped.dtype == np.float32
    np.testing.assert_allclose(shipped, engine_module.reference_means(), atol=1e-6)
    for row, lang in enumerate(engine_module.REFERENCE_LANGS):
        assert np.array_equal(engine_module._reference_mean(lang), shipped[row])
