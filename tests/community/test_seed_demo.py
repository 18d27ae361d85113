import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.db.models import Count, Max
from taggit.models import TaggedItem

from community.models import Board, Fan, Reply, ReplyLike, Thread, ThreadLike

pytestmark = pytest.mark.django_db

SMALL = ["--fans", "10", "--threads", "60", "--replies", "150"]
CJK = re.compile(r"[\u4e00-\u9fff]")
SIMPLIFIED_ONLY = set("闪设锁后发获视频觉误")
TRADITIONAL_ONLY = set("閃設鎖後發獲視頻覺誤")


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    """Seeding hashes six demo passwords; PBKDF2 would dominate these tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*extra: str) -> str:
    out = StringIO()
    call_command("seed_demo", *SMALL, *extra, stdout=out)
    return out.getvalue()


def titles() -> list[str]:
    return list(
        Thread.objects.order_by("created_at", "id").values_list("title", flat=True)
    )


def test_small_sizes_create_the_requested_numbers():
    seed()
    assert Thread.objects.count() == 60
    assert Reply.objects.count() == 150
    assert Fan.objects.count() == 10 + 5  # generated fans plus the named accounts
    assert Board.objects.count() == 8
    assert not Board.objects.get(slug="other").is_feedback
    assert Board.objects.filter(is_feedback=True).count() == 7
    assert ThreadLike.objects.exists()
    assert TaggedItem.objects.exists()


def test_counters_match_the_rows():
    seed()
    for thread in Thread.objects.annotate(
        n_replies=Count("replies", distinct=True),
        n_likes=Count("likes", distinct=True),
        last_reply=Max("replies__created_at"),
    ):
        assert thread.reply_count == thread.n_replies
        assert thread.like_count == thread.n_likes
        assert thread.last_activity_at == max(
            thread.created_at, thread.last_reply or thread.created_at
        )
        assert thread.created_at <= thread.last_activity_at
    for reply in Reply.objects.annotate(n_likes=Count("likes")):
        assert reply.like_count == reply.n_likes
        assert reply.created_at >= reply.thread.created_at
    for board in Board.objects.all():
        threads = Thread.objects.filter(board=board)
        assert board.thread_count == threads.count()
        assert board.reply_count == Reply.objects.filter(thread__board=board).count()
        assert (
            board.last_activity_at == threads.aggregate(m=Max("last_activity_at"))["m"]
        )
    for fan in Fan.objects.all():
        assert fan.thread_count == Thread.objects.filter(author=fan).count()
        assert fan.reply_count == Reply.objects.filter(author=fan).count()
    assert ReplyLike.objects.count() == sum(
        Reply.objects.values_list("like_count", flat=True)
    )


def test_every_language_appears():
    seed()
    texts = [t + "\n" + b for t, b in Thread.objects.values_list("title", "body")]
    texts += list(Reply.objects.values_list("body", flat=True))
    english = [t for t in texts if not CJK.search(t)]
    chinese = "".join(t for t in texts if CJK.search(t))
    assert english
    assert SIMPLIFIED_ONLY & set(chinese)
    assert TRADITIONAL_ONLY & set(chinese)
    # Traditional posts are whole posts, not a stray character in a Simplified one.
    assert any(
        set(t) & TRADITIONAL_ONLY and not set(t) & SIMPLIFIED_ONLY for t in texts
    )
    assert {"en", "zh-hans", "zh-hant"} <= set(
        Fan.objects.values_list("locale", flat=True)
    )


def test_markdown_bodies_are_rendered():
    seed()
    thread = Thread.objects.filter(body__contains="###").first()
    assert thread is not None
    assert "<h3>" in thread.body_html
    assert "<ol>" in thread.body_html


def test_role_accounts_exist_with_their_groups():
    out = seed()
    for role in ("moderator", "pm", "editor"):
        fan = Fan.objects.get(username=role)
        assert fan.has_role(role)
        assert fan.check_password(f"demo-{role}-pass")
        assert f"demo-{role}-pass" in out
    admin = Fan.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert Fan.objects.get(username="fan").check_password("demo-fan-pass")
    assert "demo credentials" in out.lower()
    for fan in Fan.objects.all():
        address = EmailAddress.objects.get(user=fan)
        assert address.email == fan.email
        assert address.verified and address.primary


def test_login_by_email_works(client):
    seed()
    response = client.post(
        "/accounts/login/",
        {"login": "pm@example.com", "password": "demo-pm-pass"},
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(Fan.objects.get(username="pm").pk)


def test_if_empty_is_a_no_op_on_a_second_call():
    seed("--if-empty")
    before = (Thread.objects.count(), Reply.objects.count(), Fan.objects.count())
    out = seed("--if-empty")
    assert "does nothing" in out
    assert (
        Thread.objects.count(),
        Reply.objects.count(),
        Fan.objects.count(),
    ) == before


def test_seeding_twice_without_flush_is_refused():
    seed()
    with pytest.raises(CommandError, match="--flush"):
        seed()


def test_same_seed_gives_same_titles_and_flush_replaces_content():
    seed("--seed", "7")
    first = titles()
    seed("--seed", "7", "--flush")
    assert titles() == first
    assert Thread.objects.count() == 60
    seed("--seed", "8", "--flush")
    assert titles() != first
    assert Fan.objects.count() == 15
