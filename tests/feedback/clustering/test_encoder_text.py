"""What the encoder reads of a post: the title, then the body's start while room is
left; text typed in the post form is cut the same way."""

from feedback.clustering.engine import (
    ENCODE_TOKENS,
    encoder_text,
    query_encoder_text,
)


def test_title_alone_when_there_is_no_body():
    assert encoder_text("Camera crashes at night", "") == "Camera crashes at night"
    assert encoder_text("Camera crashes at night", "  \n") == "Camera crashes at night"


def test_title_once_then_the_start_of_the_body():
    text = encoder_text("Camera crashes", "Every night.")

    assert text == "Camera crashes. Every night."


def test_the_body_fills_what_the_title_leaves_of_the_budget():
    body = "word " * 200

    title = "Camera app crashes at night"
    short = encoder_text("Bug", body).removeprefix("Bug. ")
    long = encoder_text(title, body).removeprefix(f"{title}. ")

    assert len(short) <= 4 * ENCODE_TOKENS
    assert len(short) > len(long) > 0


def test_a_long_title_is_kept_whole_and_the_body_left_out():
    title = "Camera app crashes " * 8

    assert encoder_text(title, "More details here.") == title.strip()


def test_a_chinese_character_counts_as_a_whole_token():
    body = "相机打开就闪退" * 40

    text = encoder_text("相机闪退", body)

    assert text == "相机闪退. " + body[: ENCODE_TOKENS - 4]


def test_bug_template_headings_are_not_read():
    body = "### Steps to reproduce\n1. Open the camera"

    assert "Steps to reproduce" not in encoder_text("Camera crashes", body)


def test_typed_text_is_cut_like_the_post_it_becomes():
    title, body = "Camera crashes", "Every night since the update. " * 10

    assert query_encoder_text(f"{title}\n{body}") == encoder_text(title, body)
    assert query_encoder_text("Camera crashes at night") == "Camera crashes at night"
