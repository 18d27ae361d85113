import pytest

from community.models import Notification
from feedback.services import triage, votes
from tests.factories.community import FanFactory
from tests.factories.feedback import make_post

pytestmark = pytest.mark.django_db

CAMERA = "Camera app crashes when I switch to night mode"


def test_status_change_notifies_each_fan_once(
    pm, mailoutbox, django_capture_on_commit_callbacks
):
    alice = FanFactory(notify_preference="instant")
    bob = FanFactory(notify_preference="off")
    carol = FanFactory(notify_preference="digest")
    p1 = make_post(title=CAMERA, author=alice)
    p2 = make_post(title="The camera crashes every time night mode is on", author=alice)
    assert p1.theme_id == p2.theme_id
    votes.vote_cast(fan=alice, post=p2)
    votes.vote_cast(fan=bob, post=p1)
    votes.vote_cast(fan=carol, post=p2)
    theme = p1.theme
    with django_capture_on_commit_callbacks(execute=True):
        triage.theme_set_status(theme=theme, status="planned", by=pm)
    rows = Notification.objects.filter(kind="theme_status")
    assert sorted(rows.values_list("recipient_id", flat=True)) == sorted(
        [alice.pk, bob.pk, carol.pk]
    )
    # Email only for the instant-email fan.
    assert [m.to for m in mailoutbox] == [[alice.email]]
    triage.theme_set_status(theme=theme, status="planned", by=pm)  # no change
    assert Notification.objects.filter(kind="theme_status").count() == 3


def test_public_note_notifies_internal_note_does_not(pm):
    post = make_post(title=CAMERA)
    triage.theme_set_notes(theme=post.theme, internal_note="PM only", by=pm)
    assert not Notification.objects.filter(kind="theme_note").exists()
    triage.theme_set_notes(theme=post.theme, public_note="Fix in 24.11.29", by=pm)
    note = Notification.objects.get(kind="theme_note")
    assert "Fix in 24.11.29" in note.text
    assert note.recipient_id == post.thread.author_id


def test_weekly_digest_groups_notifications(pm, mailoutbox):
    from datetime import timedelta

    from community.services.notifications import digest_send

    fan = FanFactory(notify_preference="digest")
    post = make_post(title=CAMERA, author=fan)
    triage.theme_set_status(theme=post.theme, status="under_review", by=pm)
    triage.theme_set_status(theme=post.theme, status="planned", by=pm)
    assert mailoutbox == []
    assert digest_send(since=timedelta(days=7)) == 1
    assert mailoutbox[0].to == [fan.email]
    assert mailoutbox[0].body.count("- ") == 2


def test_plan_sets_version_and_status(pm):
    post = make_post(title=CAMERA)
    triage.theme_plan(theme=post.theme, version="24.11.29", by=pm)
    post.theme.refresh_from_db()
    assert (post.theme.target_version, post.theme.status) == ("24.11.29", "planned")
    assert post.theme.events.filter(action="plan").exists()
