import pytest
from django.urls import reverse

from community.models import Flag, Reply, Thread
from tests.factories.community import (
    PASSWORD,
    BoardFactory,
    FanFactory,
    make_reply,
    make_thread,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    return BoardFactory(name="Camera", slug="camera")


def test_home_lists_boards(client, board):
    response = client.get("/")
    assert response.status_code == 200
    assert "Camera" in response.content.decode()


def test_board_page_sorts_and_filters_by_tag(client, board):
    old = make_thread(board=board, title="Old crash", tags=["crash"])
    new = make_thread(board=board, title="New battery drain", tags=["battery"])
    make_reply(thread=old)  # old now has the latest activity
    body = client.get("/b/camera/").content.decode()
    assert body.index("Old crash") < body.index("New battery drain")
    body = client.get("/b/camera/?sort=newest").content.decode()
    assert body.index("New battery drain") < body.index("Old crash")
    body = client.get("/b/camera/?tag=battery").content.decode()
    assert new.title in body and old.title not in body


def test_board_paginates(client, board, settings):
    settings.FANLOOP_THREADS_PER_PAGE = 2
    for i in range(5):
        make_thread(board=board, title=f"Thread number {i}")
    body = client.get("/b/camera/?page=3").content.decode()
    assert "Page 3 of 3" in body
    assert client.get("/b/camera/?page=999").status_code == 200


def test_unknown_board_is_404(client):
    assert client.get("/b/nope/").status_code == 404


def test_a_missing_page_is_the_forums_own_404(client, db):
    response = client.get("/b/nope/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page and 'class="site-header"' in page
    assert 'action="/search/"' in page  # a way on: search and the home link
    assert client.get("/no/such/page/").status_code == 404


def test_favicon_ico_leads_to_the_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".svg")


def test_anonymous_is_sent_to_login_to_post(client, board):
    response = client.get("/b/camera/new/")
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_fan_posts_a_thread(fan_client, board):
    response = fan_client.post(
        "/b/camera/new/",
        {
            "title": "Night mode crash",
            "body": "**Always** crashes",
            "tags": "crash, camera",
        },
    )
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == thread.get_absolute_url()
    page = fan_client.get(response["Location"]).content.decode()
    assert "<strong>Always</strong>" in page


def test_invalid_post_keeps_the_text(fan_client, board):
    response = fan_client.post("/b/camera/new/", {"title": "", "body": "my long story"})
    assert response.status_code == 400
    assert "my long story" in response.content.decode()
    assert not Thread.objects.exists()


def test_rate_limited_post_keeps_the_text(fan_client, board, settings):
    settings.FANLOOP_RATE_POST = "1/m"
    fan_client.post("/b/camera/new/", {"title": "First post", "body": "one"})
    response = fan_client.post(
        "/b/camera/new/", {"title": "Second post", "body": "keep this text"}
    )
    assert response.status_code == 429
    content = response.content.decode()
    assert "keep this text" in content
    assert "faster than the forum allows" in content
    assert Thread.objects.count() == 1


def test_reply_and_invalid_reply(fan_client, board):
    thread = make_thread(board=board)
    response = fan_client.post(f"/t/{thread.pk}/reply/", {"body": "Same on *Mi 14*"})
    reply = Reply.objects.get()
    assert response["Location"].endswith(f"#reply-{reply.pk}")
    response = fan_client.post(f"/t/{thread.pk}/reply/", {"body": "   "})
    assert response.status_code == 400


def test_like_answers_json_for_fetch_and_redirects_for_forms(fan_client, board):
    thread = make_thread(board=board)
    response = fan_client.post(f"/t/{thread.pk}/like/", HTTP_ACCEPT="application/json")
    assert response.json() == {"liked": True, "count": 1}
    response = fan_client.post(f"/t/{thread.pk}/like/")
    assert response.status_code == 302
    assert Thread.objects.get(pk=thread.pk).like_count == 0


def test_like_requires_post_and_login(client, board):
    thread = make_thread(board=board)
    assert client.post(f"/t/{thread.pk}/like/").status_code == 302
    assert client.get(f"/t/{thread.pk}/like/").status_code in {302, 405}


def test_hidden_thread_is_404_for_fans_visible_to_moderators(
    client, fan, moderator, board
):
    thread = make_thread(board=board, title="Spam spam")
    Thread.objects.filter(pk=thread.pk).update(is_hidden=True)
    client.force_login(fan)
    assert client.get(thread.get_absolute_url()).status_code == 404
    assert "Spam spam" not in client.get("/b/camera/").content.decode()
    client.force_login(moderator)
    assert client.get(thread.get_absolute_url()).status_code == 200


def test_fan_cannot_moderate(fan_client, board):
    thread = make_thread(board=board)
    assert fan_client.post(f"/t/{thread.pk}/mod/hide/").status_code == 403
    assert fan_client.get("/moderation/").status_code == 403
    assert not Thread.objects.get(pk=thread.pk).is_hidden


@pytest.mark.parametrize("role", ["pm", "editor"])
def test_other_roles_cannot_moderate(client, board, role, request):
    person = request.getfixturevalue(role)
    client.force_login(person)
    thread = make_thread(board=board)
    assert client.post(f"/t/{thread.pk}/mod/lock/").status_code == 403


def test_moderator_pins_locks_hides(client, moderator, board):
    thread = make_thread(board=board)
    client.force_login(moderator)
    for action in ["pin", "lock", "hide"]:
        assert client.post(f"/t/{thread.pk}/mod/{action}/").status_code == 302
    thread.refresh_from_db()
    assert thread.is_pinned and thread.is_locked and thread.is_hidden


def test_flag_appears_in_queue_and_moderator_hides(client, fan, moderator, board):
    thread = make_thread(board=board)
    reply = make_reply(thread=thread, body="buy cheap pills")
    client.force_login(fan)
    client.post(f"/flag/reply/{reply.pk}/", {"reason": "spam", "note": "ad"})
    client.force_login(moderator)
    assert "buy cheap pills" in client.get("/moderation/").content.decode()
    flag = Flag.objects.get()
    client.post("/moderation/", {"flag": flag.pk, "action": "hide"})
    assert Reply.objects.get(pk=reply.pk).is_hidden
    client.force_login(fan)
    assert (
        "buy cheap pills" not in client.get(thread.get_absolute_url()).content.decode()
    )


def test_profile_page_and_settings(client, fan):
    make_thread(author=fan, title="My camera post")
    body = client.get(f"/u/{fan.username}/").content.decode()
    assert "Fan One" in body and "My camera post" in body
    assert client.get("/u/nobody/").status_code == 404
    assert client.get("/settings/").status_code == 302
    client.force_login(fan)
    response = client.post(
        "/settings/",
        {
            "display_name": "Shutterbug",
            "devices": "Mi 14",
            "locale": "zh-hans",
            "bio": "",
            "notify_preference": "digest",
        },
    )
    assert response.status_code == 302
    fan.refresh_from_db()
    assert (fan.display_name, fan.locale, fan.credit_opt_out) == (
        "Shutterbug",
        "zh-hans",
        False,
    )


def test_settings_issues_a_token_shown_once(fan_client, fan):
    response = fan_client.post("/settings/", {"create_token": "1", "name": "laptop"})
    token = response.context["new_token"]
    assert token.startswith("fl_")
    api = fan_client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.json()["username"] == fan.username
    assert token not in fan_client.get("/settings/").content.decode()


def test_notifications_page_and_badge(client, fan, other_fan, board):
    thread = make_thread(board=board, author=fan)
    make_reply(thread=thread, author=other_fan)
    client.force_login(fan)
    home = client.get("/").content.decode()
    assert "data-unread>1<" in home
    assert "replied to" in client.get("/notifications/").content.decode()
    client.post("/notifications/")
    assert "data-unread" not in client.get("/").content.decode()


def test_signup_login_logout_and_password_reset(client, mailoutbox):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "username": "newfan",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert client.get("/settings/").status_code == 200
    client.post(reverse("account_logout"))
    assert client.get("/settings/").status_code == 302
    response = client.post(
        reverse("account_login"), {"login": "newfan", "password": PASSWORD}
    )
    assert response.status_code == 302
    client.post(reverse("account_logout"))
    client.post(reverse("account_reset_password"), {"email": "new@example.com"})
    assert len(mailoutbox) == 1
    assert "password" in mailoutbox[0].body.lower()


def test_language_switch_translates_ui(client, fan, board):
    response = client.get("/language/", {"language": "zh-hans", "next": "/b/camera/"})
    assert response["Location"] == "/b/camera/"
    body = client.get("/").content.decode()
    assert 'lang="zh-hans"' in body
    assert "版块" in body or "版塊" in body or "Boards" not in body
    client.force_login(fan)
    client.get("/language/", {"language": "zh-hant", "next": "https://evil.example/"})
    fan.refresh_from_db()
    assert fan.locale == "zh-hant"


def test_anonymous_board_page_is_cached_until_the_board_changes(
    client,
    fan,
    board,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    thread = make_thread(board=board, title="First post here")
    assert "First post here" in client.get("/b/camera/").content.decode()
    with django_assert_max_num_queries(1):  # the board lookup; the page is cached
        response = client.get("/b/camera/")
    assert "csrftoken" not in response.cookies
    with django_capture_on_commit_callbacks(execute=True):
        make_reply(thread=thread, body="A reply")
        make_thread(board=board, title="Second post here")
    assert "Second post here" in client.get("/b/camera/").content.decode()


def test_every_page_renders_for_every_role(client, fan, moderator, pm, editor, board):
    thread = make_thread(board=board)
    urls = ["/", "/b/camera/", f"/t/{thread.pk}/", f"/u/{fan.username}/"]
    for person in [None, fan, moderator, pm, editor]:
        client.logout()
        if person:
            client.force_login(person)
        for url in urls:
            assert client.get(url).status_code == 200, (person, url)
    FanFactory()
