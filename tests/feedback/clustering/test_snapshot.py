"""A saved and loaded index answers exactly as the index it was saved from."""

import dataclasses
import json
import random

import numpy as np
import pytest

from feedback.clustering import ThemeIndex, post_text
from feedback.clustering.snapshot import load, read_meta, save

TITLES = [
    "Camera app crashes when I switch to night mode",
    "Night mode photos crash the camera",
    "Battery drains 30 percent overnight while idle",
    "电池一晚上掉电很快",
    "電池一晚上掉電很快，待機也耗電",
    "Wi-Fi disconnects every few minutes at home",
    "无线网络经常断开",
    "Keyboard lags when typing quickly in chat apps",
    "花呗怎么还款",
    "借呗额度为什么降低了",
]


WORDS = [
    *("again", "today", "update", "since", "after", "every", "often", "still"),
    *("又", "总是", "经常", "今天", "升级后"),
]


def _posts(engine, n=120, seed=5):
    """``n`` distinct texts (ties between equal texts would make the order of
    equally good suggestions arbitrary)."""
    rng = random.Random(seed)
    texts = set()
    while len(texts) < n:
        words = " ".join(rng.sample(WORDS, 2))
        texts.add(post_text(f"{rng.choice(TITLES)} {words}", ""))
    texts = sorted(texts)
    vectors = engine.encode_texts(texts)
    blobs = [
        b"" if vectors is None else v.astype(np.float16).tobytes()
        for v in (vectors if vectors is not None else [None] * n)
    ]
    return texts, blobs


def _built(engine, texts, blobs):
    index = ThemeIndex(engine)
    for i, (text, blob) in enumerate(zip(texts, blobs, strict=True)):
        index.add(100 + i, blob, 1 + i % 7, text)
    index.remove(103)  # an inactive row
    index.move(104, 2)
    return index


def _answers(engine, index, queries):
    out = []
    for text in queries:
        vector = engine.encode_query(text)
        found = index.similar(vector, text, k=5)
        out.append([(s.post_id, s.theme_id, round(s.score, 4)) for s in found])
        a = index.assign(vector, text)
        out.append((a.theme_id, round(a.score, 4), a.is_new))
    for theme in sorted(set(index.theme_keys)):
        out.append(
            [(r.theme_id, round(r.score, 4), r.language) for r in index.related(theme)]
        )
    return out


QUERIES = ["camera crashes at night", "电池掉电", "wifi keeps dropping", "花呗还款"]


def test_a_loaded_index_answers_as_the_saved_one(engine, tmp_path):
    texts, blobs = _posts(engine)
    index = _built(engine, texts, blobs)
    path = tmp_path / "index.npz"
    save(index, path, {"watermark": 219})

    loaded, meta = load(path, engine)

    assert meta["watermark"] == 219
    assert read_meta(path)["watermark"] == 219
    assert loaded.size == index.size and len(loaded) == len(index) == 119
    assert loaded.terms == index.terms
    assert loaded.chars == index.chars
    assert dict(loaded.df) == dict(index.df)
    assert loaded.theme_keys == index.theme_keys
    slots = len(index.theme_keys)
    assert (loaded.theme_langs[:slots] == index.theme_langs[:slots]).all()
    if engine.dense:
        np.testing.assert_allclose(loaded.dense[:120], index.dense[:120], atol=1e-6)
    assert _answers(engine, loaded, QUERIES) == _answers(engine, index, QUERIES)


def test_a_loaded_index_keeps_changing_like_the_original(engine, tmp_path):
    texts, blobs = _posts(engine, n=80)
    index = _built(engine, texts, blobs)
    save(index, tmp_path / "index.npz", {})
    loaded, _ = load(tmp_path / "index.npz", engine)
    more_texts, more_blobs = _posts(engine, n=60, seed=6)

    for target in (index, loaded):
        for i, (text, blob) in enumerate(zip(more_texts, more_blobs, strict=True)):
            target.add(1000 + i, blob, 20 + i % 3, text)  # new themes, growth
        target.move(110, 21)
        target.remove(111)

    assert loaded.theme_keys == index.theme_keys
    n = len(index.theme_keys)
    assert loaded.theme_n[:n].tolist() == index.theme_n[:n].tolist()
    assert _answers(engine, loaded, QUERIES) == _answers(engine, index, QUERIES)


def test_a_snapshot_of_other_settings_is_not_loaded(lexical, tmp_path):
    texts, blobs = _posts(lexical, n=10)
    save(_built(lexical, texts, blobs), tmp_path / "index.npz", {})

    other = dataclasses.replace(lexical, assign_threshold=0.5)

    assert load(tmp_path / "index.npz", other) is None
    assert load(tmp_path / "index.npz", lexical) is not None


@pytest.mark.parametrize("content", [b"", b"not a zip file", b"PK\x03\x04broken"])
def test_a_damaged_or_missing_file_is_not_loaded(lexical, tmp_path, content):
    path = tmp_path / "index.npz"
    assert load(path, lexical) is None
    path.write_bytes(content)
    assert load(path, lexical) is None
    assert read_meta(path) is None


def test_saving_replaces_the_file_whole(lexical, tmp_path):
    texts, blobs = _posts(lexical, n=10)
    path = tmp_path / "var" / "index.npz"  # the directory is made
    save(_built(lexical, texts, blobs), path, {"watermark": 1})
    save(_built(lexical, texts, blobs), path, {"watermark": 2})

    assert read_meta(path)["watermark"] == 2
    assert [p.name for p in path.parent.iterdir()] == ["index.npz"]
    assert "fingerprint" in json.dumps(read_meta(path))


def test_queries_between_adds_see_every_added_post(engine, tmp_path):
    """Postings keep their query arrays and extend them with the rows added
    since: an index asked after every new post, built or loaded from a
    snapshot, answers as one built with all the posts at once."""
    texts, blobs = _posts(engine, n=60)
    more_texts, more_blobs = _posts(engine, n=30, seed=6)
    posts = list(zip(texts + more_texts, blobs + more_blobs, strict=True))

    def add(index, start, stop, ask):
        for i in range(start, stop):
            text, blob = posts[i]
            index.add(100 + i, blob, 1 + i % 5, text)
            if ask:
                index.similar(engine.encode_query(text), text, k=3)

    at_once = ThemeIndex(engine)
    add(at_once, 0, len(posts), ask=False)
    stepwise = ThemeIndex(engine)
    add(stepwise, 0, len(posts), ask=True)
    assert _answers(engine, stepwise, QUERIES) == _answers(engine, at_once, QUERIES)

    first = ThemeIndex(engine)
    add(first, 0, len(texts), ask=False)
    save(first, tmp_path / "index.npz", {})
    loaded, _ = load(tmp_path / "index.npz", engine)
    add(loaded, len(texts), len(posts), ask=True)
    assert _answers(engine, loaded, QUERIES) == _answers(engine, at_once, QUERIES)
