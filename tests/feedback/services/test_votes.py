import threading

import pytest
from django.db import connection

from feedback.models import PainPoint, Vote
from feedback.services import votes
from tests.factories.community import FanFactory
from tests.factories.feedback import make_post

CAMERA = "Camera app crashes when I switch to night mode"


@pytest.mark.django_db
def test_vote_is_idempotent_and_toggles(fan):
    post = make_post(title=CAMERA)
    assert votes.vote_cast(fan=fan, post=post)
    assert not votes.vote_cast(fan=fan, post=post)
    assert PainPoint.objects.get(pk=post.pk).vote_count == 1
    assert votes.vote_toggle(fan=fan, post=post) is False
    assert PainPoint.objects.get(pk=post.pk).vote_count == 0
    assert not votes.vote_retract(fan=fan, post=post)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_votes_give_one_row():
    fan = FanFactory()
    post = make_post(title=CAMERA)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def cast():
        try:
            barrier.wait(timeout=5)
            results.append(votes.vote_cast(fan=fan, post=post))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=cast) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(results) == [False, True]
    assert Vote.objects.filter(post=post).count() == 1
    assert PainPoint.objects.get(pk=post.pk).vote_count == 1
