import asyncio
import threading

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from fanloop.asgi import application
from feedback.services import votes
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


def counts_after_vote(path: str, post, fan) -> dict:
    """Open a socket on ``path``, cast a vote, return the first message pushed."""

    async def scenario():
        communicator = WebsocketCommunicator(
            application, path, headers=[(b"origin", b"http://localhost")]
        )
        connected, _ = await communicator.connect()
        assert connected
        await database_sync_to_async(votes.vote_cast)(fan=fan, post=post)
        message = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        return message

    return run_async(scenario)


@pytest.mark.django_db(transaction=True)
def test_a_vote_pushes_new_counts_to_theme_watchers():
    post = make_post(title="Camera crashes in night mode")
    message = counts_after_vote(f"/ws/themes/{post.theme_id}/", post, FanFactory())
    assert message["theme"]["id"] == post.theme_id
    assert message["theme"]["vote_count"] == 1
    assert message["theme"]["fan_count"] == 2


@pytest.mark.django_db(transaction=True)
def test_a_post_page_socket_receives_its_own_counts():
    post = make_post(title="Battery drains overnight")
    message = counts_after_vote(f"/ws/posts/{post.pk}/", post, FanFactory())
    assert message["post"] == post.pk and message["votes"] == 1
