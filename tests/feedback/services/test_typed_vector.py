"""The vector of text typed in the post form serves the post it becomes."""

import pytest

from feedback.models import PainPoint
from feedback.services.index import get_engine
from feedback.services.themes import similar_posts
from tests.factories.feedback import make_post

pytestmark = pytest.mark.django_db

TITLE = "Camera freezes when switching lenses"
BODY = "Every time I tap the 2x button the preview stops for a few seconds."


def test_a_post_takes_the_vector_its_typed_text_was_given(fan, monkeypatch):
    engine = get_engine()
    assert engine.dense  # the hybrid engine, which encodes
    expected = engine.encode_post(TITLE, BODY)
    similar_posts(text=f"{TITLE}\n{BODY}", viewer=fan, per_theme=True)

    def refuse(*args, **kwargs):
        raise AssertionError("encoded again")

    monkeypatch.setattr(type(engine), "encode_post", refuse)
    post = make_post(title=TITLE, body=BODY, author=fan)

    assert bytes(PainPoint.objects.get(pk=post.pk).vector) == expected
    assert post.theme_id is not None


def test_without_typing_a_post_is_encoded(fan):
    post = make_post(title=TITLE, body=BODY, author=fan)
    stored = bytes(PainPoint.objects.get(pk=post.pk).vector)
    assert stored == get_engine().encode_post(TITLE, BODY)


def test_other_words_are_encoded_anew(fan):
    similar_posts(text=f"{TITLE}\n{BODY}", viewer=fan)
    post = make_post(
        title="Battery drains overnight", body="Lost 40 percent", author=fan
    )
    stored = bytes(PainPoint.objects.get(pk=post.pk).vector)
    assert stored == get_engine().encode_post(
        "Battery drains overnight", "Lost 40 percent"
    )
