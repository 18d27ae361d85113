"""Hot pages run a fixed number of queries whatever the amount of content."""

import pytest

from community.services import forum
from tests.factories.community import BoardFactory, FanFactory, make_reply, make_thread

pytestmark = pytest.mark.django_db


def _fill_board(board, n):
    for i in range(n):
        thread = make_thread(
            board=board,
            author=FanFactory(),
            title=f"Crash number {i}",
            tags=[f"tag{i % 3}", "crash"],
        )
        make_reply(thread=thread)


@pytest.mark.parametrize("n", [3, 30])
def test_board_page_queries_are_constant(client, fan, django_assert_max_num_queries, n):
    board = BoardFactory(slug="camera")
    _fill_board(board, n)
    client.force_login(fan)
    with django_assert_max_num_queries(10):
        assert client.get("/b/camera/").status_code == 200


@pytest.mark.parametrize("n", [2, 50])
def test_thread_page_queries_are_constant(
    client, fan, django_assert_max_num_queries, n
):
    thread = make_thread(tags=["crash"])
    for _ in range(n):
        reply = make_reply(thread=thread, author=FanFactory())
        forum.reply_like_toggle(fan=fan, reply=reply)
    client.force_login(fan)
    with django_assert_max_num_queries(11):
        response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="card reply') == n


@pytest.mark.parametrize("n", [1, 25])
def test_profile_page_queries_are_constant(
    client, fan, django_assert_max_num_queries, n
):
    for i in range(n):
        make_thread(author=fan, title=f"Post {i}")
    from community.services.fans import badge_grant

    badge_grant(fan_id=fan.pk, slug="first", name="First fix")
    with django_assert_max_num_queries(6):
        assert client.get(f"/u/{fan.username}/").status_code == 200
