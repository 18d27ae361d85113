"""Suggestions from a shared engine named by FANLOOP_SIMILAR_BACKEND (the kNN
scale path): the service asks it instead of the in-process index, then applies
the same visibility rules."""

import pytest
from django.test import override_settings

from feedback.models import PainPoint
from feedback.services.themes import similar_posts
from tests.factories.feedback import make_post

pytestmark = pytest.mark.django_db


def shared_engine(*, vector, text, k):
    """Stands in for a cluster: answers by title words, from the real database."""
    assert len(vector) > 0 and k == 15  # the encoded query, three times the limit
    word = text.split()[0]
    posts = PainPoint.objects.filter(thread__title__icontains=word).order_by("pk")
    return [(post.pk, 0.9) for post in posts[:k]]


@override_settings(
    FANLOOP_SIMILAR_BACKEND="tests.feedback.services.test_similar_backend.shared_engine"
)
def test_suggestions_come_from_the_configured_shared_engine(fan):
    shown = make_post(title="Gallery crashes when scrolling")
    hidden = make_post(title="Gallery freezes on videos")
    hidden.thread.is_hidden = True
    hidden.thread.save(update_fields=["is_hidden"])
    make_post(title="Battery drains overnight")

    results = similar_posts(text="Gallery keeps crashing", viewer=fan)

    assert [r["post"] for r in results] == [shown.pk]
    assert results[0]["score"] == 0.9  # the engine's own score, not the index's


def test_knn_neighbours_answer_nothing_without_vector_search(db):
    from fanloop.search.knn import neighbours

    assert neighbours(vector=[0.1, 0.2], text="camera", k=5) == []
