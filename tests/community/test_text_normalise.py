"""Normalisation and segmentation shared by search and clustering (no database)."""

from community.text import char_ngrams, normalise, segment, strip_boilerplate


def test_traditional_and_simplified_fold_to_the_same_string():
    assert normalise("我的銀行卡還沒到") == normalise("我的银行卡还没到")
    assert normalise("電池耗電太快") == "电池耗电太快"


def test_width_and_case_are_folded_in_mixed_text():
    assert normalise("ＷｉＦｉ 連接失敗 WiFi") == "wifi 连接失败 wifi"


def test_segmentation_finds_a_word_inside_an_unsegmented_sentence():
    words = segment("我的手机电池耗电太快了")
    assert "耗电" in words
    assert "的" not in words  # stop word


def test_segmentation_of_mixed_text_keeps_latin_words_and_drops_punctuation():
    words = segment("升级到 Android 14 以后，蓝牙耳机断断续续!!")
    assert "android" in words
    assert "14" in words
    assert "蓝牙耳机" in words or "蓝牙" in words
    assert not any(w in {",", "，", "!", "!!"} for w in words)


def test_traditional_text_segments_like_simplified_text():
    assert segment("藍牙耳機斷斷續續") == segment("蓝牙耳机断断续续")


def test_char_ngrams_cover_chinese_runs_only():
    grams = char_ngrams("abc 相机闪退", sizes=(2,))
    assert grams == ["相机", "机闪", "闪退"]


def test_bug_template_headings_and_device_lines_are_dropped():
    body = (
        "## Steps to reproduce\n1. open the camera\n"
        "**Expected result:** photo saved\n"
        "Actual result: app crashes\n"
        "预期结果：正常保存\n實際結果：閃退\n"
        "Device: Pixel 7\nOS version: Android 14\n机型：小米 13\n"
    )
    words = set(segment(strip_boilerplate(body)))
    assert {"open", "camera", "crashes", "闪退"} <= words
    assert not words & {"steps", "reproduce", "expected", "actual", "result"}
    assert not words & {"预期", "结果", "pixel", "机型", "device"}
