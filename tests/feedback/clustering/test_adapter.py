"""The learned map of Chinese e5 vectors (feedback/clustering/adapter.py)."""

from dataclasses import replace

import numpy as np
import pytest

from feedback.clustering import ThemeIndex, post_text, snapshot
from feedback.clustering.adapter import matrix
from tests.feedback.clustering.samples import BATTERY

# Fans' Chinese complaints, four wordings of each problem (not atec's domain).
PHONE = [
    [
        "相机打开就闪退",
        "一打开相机应用就崩溃",
        "相机老是自动退出",
        "拍照的时候相机闪退了",
    ],
    [
        "电池一晚上掉电很快",
        "待机耗电太严重了",
        "更新后电池不耐用",
        "耗电快，电池撑不到中午",
    ],
    [
        "无线网络经常断开",
        "WiFi老是自动断开连接",
        "连着wifi一会儿就掉线",
        "无线网频繁断线",
    ],
    [
        "系统更新安装失败",
        "升级系统一直提示安装失败",
        "新版本更新不了",
        "OTA升级失败怎么办",
    ],
    [
        "蓝牙耳机连接断断续续",
        "蓝牙耳机老是断开",
        "蓝牙连接不稳定，听歌卡顿",
        "蓝牙经常自动断连",
    ],
    [
        "指纹解锁变慢了",
        "指纹识别反应很慢",
        "屏下指纹解锁不灵敏",
        "指纹解锁经常识别失败",
    ],
]


def test_the_map_is_a_square_matrix_near_the_identity():
    w = matrix()
    assert w.shape == (384, 384)
    assert w.dtype == np.float32
    # Learned from the identity for a few epochs: a correction, not a new space.
    assert np.linalg.norm(w - np.eye(384)) < 0.5 * np.linalg.norm(np.eye(384))


def test_only_chinese_vectors_are_mapped(hybrid):
    plain = replace(hybrid, adapter=False)
    english = hybrid.encode_query("Battery drains overnight")
    chinese = hybrid.encode_query("电池一晚上掉电很快")
    assert np.allclose(
        hybrid.center(english, lang="en"), plain.center(english, lang="en")
    )
    mapped, unmapped = (
        hybrid.center(chinese, lang="zh"),
        plain.center(chinese, lang="zh"),
    )
    assert float(np.linalg.norm(mapped)) == pytest.approx(1.0, abs=1e-5)
    assert float(mapped @ unmapped) < 0.99


def index_of(engine, texts):
    index = ThemeIndex(engine)
    for i, (text, vector) in enumerate(
        zip(texts, engine.encode_texts(texts), strict=True)
    ):
        index.add(i, vector, None, post_text(text, ""))
    return index


def test_the_map_keeps_a_phone_forums_chinese_paraphrases_together(hybrid):
    """Learned on finance questions; in a forum about phones the nearest post of
    every complaint is still one of the same problem, as without the map."""
    texts = [t for group in PHONE for t in group]
    groups = np.repeat(np.arange(len(PHONE)), [len(g) for g in PHONE])
    for engine in (hybrid, replace(hybrid, adapter=False)):
        dense = index_of(engine, texts).dense[: len(texts)]
        sims = dense @ dense.T
        np.fill_diagonal(sims, -1)
        assert (groups[sims.argmax(axis=1)] == groups).mean() >= 0.9


def test_english_and_chinese_posts_of_one_problem_stay_comparable(hybrid):
    """The English side is not mapped; the Chinese battery complaints must still be
    nearer to English battery complaints than the Chinese camera ones are."""
    texts = BATTERY + PHONE[0] + PHONE[1]
    dense = index_of(hybrid, texts).dense[: len(texts)]
    english = dense[: len(BATTERY)]
    camera = dense[len(BATTERY) : len(BATTERY) + 4]
    battery = dense[len(BATTERY) + 4 :]
    assert (english @ battery.T).mean() > (english @ camera.T).mean() + 0.15


def test_the_snapshot_fingerprint_covers_the_map(hybrid, tmp_path, monkeypatch):
    """A snapshot saved under another map must not be loaded (its vectors are
    centred anew on load, but the engine's settings were chosen with this map)."""
    before = snapshot.fingerprint(hybrid)
    other = tmp_path / "adapter.npy"
    np.save(other, np.eye(384, dtype=np.float16))
    monkeypatch.setattr(snapshot, "ADAPTER", other)
    assert snapshot.fingerprint(hybrid) != before
