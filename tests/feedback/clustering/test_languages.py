"""A forum in two languages: e5 puts texts of one language near each other
whatever they say, so vectors are centred on the mean of their own language.
Centred on one mean of a mostly Chinese forum, every English post looked like
every other and the online pass put them all in one theme (banking77 inside the
atec and gitbugs corpora, ``bench/cluster_quality.py --mixed``: V 0.0)."""

import random

import numpy as np
import pytest

from feedback.clustering import PostText, ThemeIndex, agglomerate, post_text, recluster
from feedback.clustering import index as index_module
from feedback.clustering.engine import language
from tests.feedback.clustering.samples import BATTERY, CAMERA

CHINESE = [
    "花呗怎么还款", "借呗额度为什么降低了", "余额宝收益怎么算", "花呗分期手续费多少",
    "借呗可以提前还款吗", "信用卡还款失败", "转账到银行卡多久到账", "支付密码忘记了",
    "花呗账单日可以改吗", "借呗逾期了怎么办", "余额宝转出到账时间", "怎么开通花呗",
]  # fmt: skip
DETAILS = ["请问", "为什么", "今天", "急", "一直", "现在", "我想知道", "怎么办"]


def bilingual_forum():
    rng = random.Random(3)
    chinese = sorted(
        {f"{rng.choice(DETAILS)}{rng.choice(CHINESE)}" for _ in range(400)}
    )[:90]
    english = BATTERY + CAMERA
    texts = [post_text(t, "") for t in chinese + english]
    truth = [None] * len(chinese) + [0] * len(BATTERY) + [1] * len(CAMERA)
    return texts, truth


@pytest.fixture
def one_mean(monkeypatch):
    """The old behaviour: every post centred on one mean."""
    monkeypatch.setattr(index_module, "language", lambda *args: "en")
    monkeypatch.setattr(agglomerate, "language", lambda *args: "")


def test_language_of_a_post():
    assert language("Battery drains") == "en"
    assert language("MIUI 14 相机闪退") == "zh"
    assert language("電池") == "zh"


def english_themes(labels, truth):
    """Themes of the battery posts and of the camera posts."""
    battery = {labels[i] for i, t in enumerate(truth) if t == 0}
    camera = {labels[i] for i, t in enumerate(truth) if t == 1}
    return battery, camera


def online_labels(engine, texts):
    index = ThemeIndex(engine)
    labels = []
    for i, text in enumerate(texts):
        vector = engine.encode_query(text)
        found = index.assign(vector, text)
        theme = found.theme_id if found.theme_id is not None else 1000 + i
        index.add(i, vector, theme, text)
        labels.append(theme)
    return labels


def test_english_posts_in_a_mostly_chinese_forum_keep_their_own_themes(hybrid):
    texts, truth = bilingual_forum()
    battery, camera = english_themes(online_labels(hybrid, texts), truth)
    assert not battery & camera


def test_one_mean_for_both_languages_joins_unrelated_english_posts(hybrid, one_mean):
    """The test above fails without per-language centring."""
    texts, truth = bilingual_forum()
    battery, camera = english_themes(online_labels(hybrid, texts), truth)
    assert battery & camera


def reclustered(engine, texts):
    posts = [PostText(id=i, title=t) for i, t in enumerate(texts)]
    vectors = [engine.encode_query(t).astype(np.float16).tobytes() for t in texts]
    drafts = recluster(engine, posts, vectors)
    return {pid: k for k, d in enumerate(drafts) for pid in d.post_ids}


def test_recluster_of_a_bilingual_forum_keeps_english_themes_apart(hybrid):
    texts, truth = bilingual_forum()
    labels = reclustered(hybrid, texts)
    battery, camera = english_themes(labels, truth)
    assert not battery & camera


def test_recluster_with_one_mean_joins_unrelated_english_posts(hybrid, one_mean):
    texts, truth = bilingual_forum()
    battery, camera = english_themes(reclustered(hybrid, texts), truth)
    assert battery & camera


def test_the_vector_tells_the_language_of_a_text_with_chinese(hybrid):
    """A long English title over a Chinese body: the encoder read the title
    only, so the post is centred on the English mean."""
    title = "Camera app crashes when I switch to video in the evening"
    body = "录像的时候相机直接闪退，重启也没有用"
    vector = hybrid.encode_query(f"{title}\n{body}")
    text = post_text(title, body)
    assert language(text) == "zh"
    assert language(text, vector) == "en"
    chinese = "相机打开就闪退"
    assert language(chinese, hybrid.encode_query(chinese)) == "zh"
    assert language("Battery drains", hybrid.encode_query("Battery drains")) == "en"
