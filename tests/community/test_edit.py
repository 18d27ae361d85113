"""Editing a thread: its author while it is open, a moderator always."""

import pytest

from community.models import Reply, Thread
from community.services.moderation import thread_moderate
from tests.factories.community import BoardFactory, make_reply, make_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(fan):
    board = BoardFactory(name="Chat", slug="chat")
    return make_thread(board=board, author=fan, title="Old title", tags=["old"])


def test_author_edits_title_text_and_tags(fan_client, thread):
    url = f"/t/{thread.pk}/edit/"
    page = fan_client.get(url).content.decode()
    assert 'value="Old title"' in page and "It **crashes**." in page
    assert fan_client.get(f"/t/{thread.pk}/").content.decode().count(url) == 1

    response = fan_client.post(
        url,
        {
            "title": "New title",
            "body": "Now *fixed*? <script>alert(1)</script>",
            "tags": "new, camera",
        },
    )
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.title == "New title"
    assert "<em>fixed</em>" in thread.body_html and "<script" not in thread.body_html
    assert sorted(t.name for t in thread.tags.all()) == ["camera", "new"]
    assert thread.edited_at is not None
    page = fan_client.get(f"/t/{thread.pk}/").content.decode()
    assert "New title" in page and "edited" in page


def test_saving_without_a_change_does_not_mark_it_edited(fan_client, thread):
    data = {"title": thread.title, "body": thread.body, "tags": "old"}
    assert fan_client.post(f"/t/{thread.pk}/edit/", data).status_code == 302
    assert Thread.objects.get(pk=thread.pk).edited_at is None


def test_a_rejected_edit_keeps_the_text(fan_client, thread):
    response = fan_client.post(
        f"/t/{thread.pk}/edit/", {"title": "New title", "body": "", "tags": ""}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="New title"' in page and "This field is required" in page
    assert Thread.objects.get(pk=thread.pk).title == "Old title"


def test_only_the_author_or_a_moderator_may_edit(client, other_fan, moderator, thread):
    url = f"/t/{thread.pk}/edit/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(other_fan)
    refused = client.get(url)
    assert refused.status_code == 403
    assert "You cannot edit this post." in refused.content.decode()  # says why
    data = {"title": "Hijacked", "body": "Mine now", "tags": ""}
    assert client.post(url, data).status_code == 403
    assert url not in client.get(f"/t/{thread.pk}/").content.decode()
    client.force_login(moderator)
    assert client.post(url, {**data, "title": "Tidied"}).status_code == 302
    assert Thread.objects.get(pk=thread.pk).title == "Tidied"


def test_a_locked_thread_is_closed_to_its_author(fan_client, moderator, thread):
    thread_moderate(thread=thread, action="lock", by=moderator)
    url = f"/t/{thread.pk}/edit/"
    assert fan_client.get(url).status_code == 403
    data = {"title": "Sneaky", "body": "Changed", "tags": ""}
    assert fan_client.post(url, data).status_code == 403
    assert Thread.objects.get(pk=thread.pk).title == "Old title"


def test_edits_are_rate_limited_with_the_text_kept(fan_client, thread, settings):
    settings.FANLOOP_RATE_POST = "1/m"
    url = f"/t/{thread.pk}/edit/"
    data = {"title": "Second title", "body": "Second text", "tags": ""}
    assert fan_client.post(url, {**data, "title": "First title"}).status_code == 302
    response = fan_client.post(url, data)
    assert response.status_code == 429
    assert "Second text" in response.content.decode()


def test_author_edits_a_reply_and_others_cannot(
    client, fan, other_fan, moderator, thread
):
    reply = make_reply(thread=thread, author=other_fan, body="First **try**")
    mine = make_reply(thread=thread, author=fan, body="Not this one")
    url = f"/r/{reply.pk}/edit/"
    client.force_login(other_fan)
    page = client.get(f"/t/{thread.pk}/").content.decode()
    assert page.count('href="/r/') == 1 and url in page  # only on their own reply
    assert "First **try**" in client.get(url).content.decode()

    response = client.post(url, {"body": "Second <b>try</b> *now*"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#reply-{reply.pk}")
    reply.refresh_from_db()
    assert "<em>now</em>" in reply.body_html and "<b>" not in reply.body_html
    assert reply.edited_at is not None
    assert "edited" in client.get(f"/t/{thread.pk}/").content.decode()

    response = client.post(url, {"body": ""})
    assert response.status_code == 400
    assert Reply.objects.get(pk=reply.pk).body == "Second <b>try</b> *now*"

    assert client.get(f"/r/{mine.pk}/edit/").status_code == 403
    assert client.post(f"/r/{mine.pk}/edit/", {"body": "x"}).status_code == 403
    assert Reply.objects.get(pk=mine.pk).body == "Not this one"
    client.force_login(moderator)
    assert client.post(f"/r/{mine.pk}/edit/", {"body": "Tidied"}).status_code == 302
    assert Reply.objects.get(pk=mine.pk).body == "Tidied"


def test_a_hidden_reply_or_locked_thread_is_closed_to_its_author(
    fan_client, fan, moderator, thread
):
    from community.services.moderation import reply_moderate

    reply = make_reply(thread=thread, author=fan, body="Mine")
    hidden = make_reply(thread=thread, author=fan, body="Hidden one")
    reply_moderate(reply=hidden, hide=True, by=moderator)
    assert fan_client.get(f"/r/{hidden.pk}/edit/").status_code == 404
    thread_moderate(thread=thread, action="lock", by=moderator)
    assert fan_client.get(f"/r/{reply.pk}/edit/").status_code == 403
    assert fan_client.post(f"/r/{reply.pk}/edit/", {"body": "x"}).status_code == 403
    assert Reply.objects.get(pk=reply.pk).body == "Mine"


def test_earlier_versions_are_kept_for_moderators_pms_and_the_author(
    client, fan, other_fan, moderator, pm, thread
):
    from community.services.forum import thread_edit

    thread_edit(thread=thread, by=fan, title="Second title", body="Second text")
    thread_edit(thread=thread, by=moderator, title="Third title", body="Third text")
    url = f"/t/{thread.pk}/history/"
    for viewer in (fan, moderator, pm):
        client.force_login(viewer)
        page = client.get(url).content.decode()
        assert page.index("Second title") < page.index("Old title")  # newest first
        assert "Third text" not in page  # the current version is on its page
        assert "It **crashes**." in page  # as written, escaped, not rendered
        assert url in client.get(f"/t/{thread.pk}/").content.decode()
    client.force_login(other_fan)
    assert client.get(url).status_code == 403
    assert url not in client.get(f"/t/{thread.pk}/").content.decode()
    client.logout()
    assert client.get(url).status_code == 302


def test_an_edit_that_changes_only_tags_keeps_no_version(fan, thread):
    from community.services.forum import thread_edit

    thread_edit(thread=thread, by=fan, title=thread.title, body=thread.body, tags=["x"])
    assert not thread.revisions.exists() and thread.edited_at is not None
