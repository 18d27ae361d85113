"""What the encoder reads of a post: the title, and the body's start only after a
short title; text typed in the post form is cut the same way."""

from feedback.clustering.engine import (
    ENCODE_TOKENS,
    encoder_text,
    query_encoder_text,
)


def test_title_alone_when_there_is_no_body():
    assert encoder_text("Camera crashes", "") == "Camera crashes"
    assert encoder_text("Camera crashes", "  \n") == "Camera crashes"


def test_a_full_title_is_read_alone():
    title = "Camera app crashes when I switch to night mode"

    assert encoder_text(title, "Hi all, since the update it crashes.") == title


def test_a_short_title_is_followed_by_the_start_of_the_body():
    text = encoder_text("Bug!", "Camera crashes.")

    assert text == "Bug!. Camera crashes."


def test_the_body_is_cut_to_the_token_budget():
    text = encoder_text("Bug!", "word " * 200).removeprefix("Bug!. ")

    assert 0 < len(text) <= 4 * ENCODE_TOKENS - len("Bug!")


def test_a_chinese_character_counts_as_a_whole_token():
    body = "相机打开就闪退" * 40

    text = encoder_text("闪退", body)

    assert text == "闪退. " + body[: ENCODE_TOKENS - 2]


def test_bug_template_headings_are_not_read():
    body = "### Steps to reproduce\n1. Open the camera"

    assert "Steps to reproduce" not in encoder_text("Crash", body)


def test_typed_text_is_cut_like_the_post_it_becomes():
    body = "Every night since the update. " * 10

    for title in ("Crash", "Camera crashes every night after the update"):
        assert query_encoder_text(f"{title}\n{body}") == encoder_text(title, body)
    assert query_encoder_text("Camera crashes at night") == "Camera crashes at night"
