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


@pytest.mark.django_db
def test_hiding_a_post_takes_it_and_its_votes_out_of_its_themes_counts(
    moderator, django_capture_on_commit_callbacks
):
    from community.services.moderation import thread_moderate
    from feedback.models import Theme

    first = make_post(title=CAMERA)
    spam = make_post(title="Camera app crashes when I switch to night mode at once")
    assert spam.theme_id == first.theme_id
    for _ in range(3):
        votes.vote_cast(fan=FanFactory(), post=spam)
    theme = Theme.objects.get(pk=first.theme_id)
    assert (theme.post_count, theme.vote_count, theme.fan_count) == (2, 3, 5)

    with django_capture_on_commit_callbacks() as pushed:
        thread_moderate(thread=spam.thread, action="hide", by=moderator)
    theme.refresh_from_db()
    assert (theme.post_count, theme.vote_count, theme.fan_count) == (1, 0, 1)
    live = [hook for hook in pushed if "thread_visibility" in hook.__qualname__]
    assert len(live) == 1  # live viewers get the new counts after the commit

    thread_moderate(thread=spam.thread, action="unhide", by=moderator)
    theme.refresh_from_db()
    assert (theme.post_count, theme.vote_count, theme.fan_count) == (2, 3, 5)
