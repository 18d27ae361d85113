import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from community.models import Board, Fan, Flag, Notification, Thread
from community.services import fans, forum, moderation
from community.services.notifications import notify
from tests.factories.community import BoardFactory, FanFactory, make_reply, make_thread

pytestmark = pytest.mark.django_db


def test_thread_create_renders_markdown_and_counts(fan):
    board = BoardFactory()
    thread = forum.thread_create(
        author=fan,
        board=board,
        title="  Night mode  ",
        body="**crash** <script>x</script>",
        tags=["Crash", "ui"],
    )
    assert thread.title == "Night mode"
    assert "<strong>crash</strong>" in thread.body_html
    assert "<script>" not in thread.body_html
    assert sorted(thread.tags.names()) == ["crash", "ui"]
    board.refresh_from_db()
    fan.refresh_from_db()
    assert board.thread_count == 1
    assert fan.thread_count == 1


def test_empty_thread_is_refused(fan):
    with pytest.raises(ValidationError):
        forum.thread_create(author=fan, board=BoardFactory(), title=" ", body="x")


def test_reply_updates_counters_and_notifies_author(fan, other_fan):
    thread = make_thread(author=fan)
    make_reply(thread=thread, author=other_fan)
    make_reply(thread=thread, author=fan)  # own reply: no notification
    thread.refresh_from_db()
    assert thread.reply_count == 2
    assert Board.objects.get(pk=thread.board_id).reply_count == 2
    assert Notification.objects.filter(recipient=fan, kind="reply").count() == 1


def test_locked_thread_refuses_fan_reply_but_not_moderator(fan, moderator):
    thread = make_thread()
    moderation.thread_moderate(thread=thread, action="lock", by=moderator)
    with pytest.raises(PermissionDenied):
        make_reply(thread=thread, author=fan)
    make_reply(thread=thread, author=moderator)


def test_like_toggles_and_counts_once(fan, other_fan):
    thread = make_thread()
    assert forum.thread_like_toggle(fan=fan, thread=thread) == (True, 1)
    assert forum.thread_like_toggle(fan=other_fan, thread=thread) == (True, 2)
    assert forum.thread_like_toggle(fan=fan, thread=thread) == (False, 1)
    reply = make_reply(thread=thread)
    assert forum.reply_like_toggle(fan=fan, reply=reply) == (True, 1)


def test_recount_repairs_drift(fan):
    thread = make_thread()
    make_reply(thread=thread)
    Thread.objects.filter(pk=thread.pk).update(reply_count=99, like_count=7)
    forum.thread_recount(thread=thread)
    thread.refresh_from_db()
    assert (thread.reply_count, thread.like_count) == (1, 0)


def test_only_moderators_moderate(fan, moderator):
    thread = make_thread()
    with pytest.raises(PermissionDenied):
        moderation.thread_moderate(thread=thread, action="hide", by=fan)
    moderation.thread_moderate(thread=thread, action="pin", by=moderator)
    assert Thread.objects.get(pk=thread.pk).is_pinned


def test_flag_then_hide_actions_the_flag(fan, moderator):
    thread = make_thread()
    flag = moderation.flag_create(reporter=fan, thread=thread, reason="spam")
    again = moderation.flag_create(reporter=fan, thread=thread, reason="spam")
    assert flag.pk == again.pk
    moderation.flag_resolve(flag=flag, hide=True, by=moderator)
    flag.refresh_from_db()
    assert flag.status == Flag.Status.ACTIONED
    assert Thread.objects.get(pk=thread.pk).is_hidden


def test_flag_needs_exactly_one_target(fan):
    with pytest.raises(ValidationError):
        moderation.flag_create(reporter=fan, reason="spam")


def test_notify_is_idempotent_per_event(fan, other_fan):
    assert (
        notify(
            recipients=[fan.pk, other_fan.pk, fan.pk],
            kind="x",
            text="t",
            event_key="e1",
        )
        == 2
    )
    assert notify(recipients=[fan.pk], kind="x", text="t", event_key="e1") == 0
    assert Notification.objects.filter(event_key="e1").count() == 2


def test_reputation_award_is_idempotent(fan):
    assert fans.reputation_award(fan_id=fan.pk, amount=10, reason="r", key="k1")
    assert not fans.reputation_award(fan_id=fan.pk, amount=10, reason="r", key="k1")
    fan.refresh_from_db()
    assert fan.reputation == 10
    assert fan.level == 2


def test_roles_and_unknown_role(fan):
    fans.role_grant(fan=fan, role="pm")
    assert Fan.objects.get(pk=fan.pk).is_pm
    with pytest.raises(ValidationError):
        fans.role_grant(fan=fan, role="king")


def test_token_round_trip_stores_only_a_digest(fan):
    raw = fans.token_issue(fan=fan)
    assert fans.token_authenticate(raw) == fan
    assert not fan.fanloop_tokens.filter(digest=raw).exists()
    assert fans.token_authenticate(raw + "x") is None
    FanFactory(username="inactive", is_active=False)
