"""What the encoder reads of a post: the title once and about one sentence of body."""

from feedback.clustering.engine import ENCODE_BODY_TOKENS, encoder_text


def test_title_alone_when_there_is_no_body():
    assert encoder_text("Camera crashes at night", "") == "Camera crashes at night"
    assert encoder_text("Camera crashes at night", "  \n") == "Camera crashes at night"


def test_title_once_then_the_start_of_the_body():
    text = encoder_text("Camera crashes", "It happens every night. Logs attached.")

    assert text == "Camera crashes. It happens every night. Logs attached."


def test_long_english_body_is_cut_to_the_token_budget():
    body = "word " * 200

    text = encoder_text("Title", body)

    assert text.startswith("Title. word word")
    assert len(text) <= len("Title. ") + 4 * ENCODE_BODY_TOKENS + 1


def test_a_chinese_character_counts_as_a_whole_token():
    body = "相机打开就闪退" * 40

    text = encoder_text("相机闪退", body)

    assert text == "相机闪退. " + body[:ENCODE_BODY_TOKENS]


def test_bug_template_headings_are_not_read():
    body = "**Device**: POCO F6  \n### Steps to reproduce\n1. Open the camera"

    assert "Steps to reproduce" not in encoder_text("Camera crashes", body)
