import asyncio
import threading
from functools import partial

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from fanloop.asgi import application
from feedback.services import triage, votes
from tests.factories.community import FanFactory
from tests.factories.feedback import make_post


def run_async(coroutine_function):
    """Run a coroutine in a thread of its own: a session-wide Playwright may already
    run an event loop in the main thread."""
    outcome = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coroutine_function())
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=60)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def first_messages(paths: list[str], change, only: bool = False) -> list[dict]:
    """Open a socket on each of ``paths``, make ``change()`` (in the database),
    return the first message each socket was pushed (``only``: and check that no
    second one follows)."""

    async def scenario():
        sockets = []
        for path in paths:
            communicator = WebsocketCommunicator(
                application, path, headers=[(b"origin", b"http://localhost")]
            )
            connected, _ = await communicator.connect()
            assert connected
            sockets.append(communicator)
        await database_sync_to_async(change)()
        messages = [await s.receive_json_from(timeout=5) for s in sockets]
        if only:
            for communicator in sockets:
                assert await communicator.receive_nothing(timeout=0.5)
        for communicator in sockets:
            await communicator.disconnect()
        return messages

    return run_async(scenario)


def counts_after_vote(path: str, post, fan, only: bool = False) -> dict:
    """Open a socket on ``path``, cast a vote, return the first message pushed."""
    vote = partial(votes.vote_cast, fan=fan, post=post)
    return first_messages([path], vote, only=only)[0]


@pytest.mark.django_db(transaction=True)
def test_a_vote_pushes_new_counts_to_theme_watchers():
    post = make_post(title="Camera crashes in night mode")
    message = counts_after_vote(f"/ws/themes/{post.theme_id}/", post, FanFactory())
    assert message["theme"]["id"] == post.theme_id
    assert message["theme"]["vote_count"] == 1
    assert message["theme"]["fan_count"] == 2


@pytest.mark.django_db(transaction=True)
def test_a_post_page_socket_receives_its_own_counts_once():
    post = make_post(title="Battery drains overnight")
    path = f"/ws/posts/{post.pk}/"
    message = counts_after_vote(path, post, FanFactory(), only=True)
    assert message["post"] == post.pk and message["votes"] == 1


@pytest.mark.django_db(transaction=True)
def test_a_post_joining_a_theme_pushes_its_new_counts():
    first = make_post(title="Camera crashes in night mode")
    (message,) = first_messages(
        [f"/ws/themes/{first.theme_id}/"],
        lambda: make_post(title="The camera crashes in night mode every time"),
    )
    assert message["post"] is None
    assert message["theme"] == {
        "id": first.theme_id,
        "vote_count": 0,
        "fan_count": 2,
        "post_count": 2,
    }


@pytest.mark.django_db(transaction=True)
def test_a_merge_pushes_both_themes_new_counts(pm):
    camera = make_post(title="Camera crashes in night mode")
    battery = make_post(title="Battery drains overnight on standby")
    assert camera.theme_id != battery.theme_id
    source, into = battery.theme, camera.theme
    to_source, to_into = first_messages(
        [f"/ws/themes/{source.pk}/", f"/ws/themes/{into.pk}/"],
        lambda: triage.theme_merge(source=source, into=into, by=pm),
    )
    assert to_source["theme"]["post_count"] == 0
    assert to_source["theme"]["fan_count"] == 0
    assert to_into["theme"]["post_count"] == 2
    assert to_into["theme"]["fan_count"] == 2


@pytest.mark.django_db(transaction=True)
def test_a_post_page_hears_its_themes_counts_but_not_other_posts_votes():
    """A post's page shows its theme's fans: a vote on another post of the theme
    updates them there, and leaves the page's own vote count alone."""
    mine = make_post(title="Camera crashes in night mode")
    other = make_post(title="The camera crashes in night mode every time")
    assert other.theme_id == mine.theme_id
    (message,) = first_messages(
        [f"/ws/posts/{mine.pk}/"],
        lambda: votes.vote_cast(fan=FanFactory(), post=other),
    )
    assert message["post"] is None and "votes" not in message
    assert message["theme"]["id"] == mine.theme_id
    assert message["theme"]["vote_count"] == 1
    assert message["theme"]["fan_count"] == 3
