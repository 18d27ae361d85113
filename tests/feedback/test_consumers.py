import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from fanloop.asgi import application
from feedback.services import votes
from tests.factories.community import FanFactory
from tests.factories.feedback import make_post


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_vote_pushes_new_counts_to_theme_watchers():
    post = await database_sync_to_async(make_post)(title="Camera crashes in night mode")
    fan = await database_sync_to_async(FanFactory)()
    communicator = WebsocketCommunicator(
        application,
        f"/ws/themes/{post.theme_id}/",
        headers=[(b"origin", b"http://localhost")],
    )
    connected, _ = await communicator.connect()
    assert connected
    await database_sync_to_async(votes.vote_cast)(fan=fan, post=post)
    message = await communicator.receive_json_from(timeout=5)
    assert message["theme"]["id"] == post.theme_id
    assert message["theme"]["vote_count"] == 1
    assert message["theme"]["fan_count"] == 2
    await communicator.disconnect()
