"""``q=`` on the JSON API's post and theme lists, and the triage search box."""

import pytest

from feedback.models import Theme
from tests.factories.feedback import feedback_board, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def posts(indexed):
    board = feedback_board()
    with indexed():
        night = make_post(title="夜景模式拍照闪退", board=board)
        battery = make_post(title="Battery drains overnight on standby", board=board)
    return night, battery


def test_posts_q_finds_traditional_and_english(client, posts):
    night, battery = posts

    zh = client.get("/api/v1/posts", {"q": "夜景模式閃退"}).json()
    en = client.get("/api/v1/posts", {"q": "drain standby"}).json()

    assert [p["id"] for p in zh["items"]] == [night.pk]
    assert [p["id"] for p in en["items"]] == [battery.pk]


def test_posts_q_hides_hidden_posts_from_fans(client, posts, indexed, moderator):
    from community.services import moderation

    night, _battery = posts
    with indexed():
        moderation.thread_moderate(thread=night.thread, action="hide", by=moderator)

    assert client.get("/api/v1/posts", {"q": "夜景"}).json()["items"] == []
    client.force_login(moderator)
    assert len(client.get("/api/v1/posts", {"q": "夜景"}).json()["items"]) == 1


def test_themes_q_finds_a_theme_by_its_posts_words(client, posts):
    night, _battery = posts

    found = client.get("/api/v1/themes", {"q": "夜景"}).json()["items"]

    assert [t["id"] for t in found] == [night.theme_id]


def test_merged_theme_leaves_theme_search(client, posts, indexed, pm):
    from feedback.services import triage

    night, battery = posts
    source = Theme.objects.get(pk=night.theme_id)
    into = Theme.objects.get(pk=battery.theme_id)
    assert source.pk != into.pk
    with indexed():
        triage.theme_merge(source=source, into=into, by=pm)

    found = client.get("/api/v1/themes", {"q": "夜景"}).json()["items"]

    assert [t["id"] for t in found] == [into.pk]


def test_refused_q_is_a_422_with_detail(client, posts):
    response = client.get("/api/v1/posts", {"q": "x" * 10_000})
    assert response.status_code == 422
    assert "at most" in response.json()["detail"]


def test_triage_text_box_uses_the_search(client, posts, pm):
    night, battery = posts
    client.force_login(pm)

    html = client.get("/triage/", {"text": "夜景模式閃退"}).content.decode()

    assert night.theme.title in html
    assert battery.theme.title not in html


def test_triage_explains_a_refused_search(client, posts, pm):
    client.force_login(pm)
    html = client.get("/triage/", {"text": "-only"}).content.decode()
    assert "data-search-error" in html


def test_hiding_a_post_drops_its_title_from_its_themes_document(
    posts, indexed, moderator
):
    from community.services import moderation
    from fanloop.search.models import SearchDocument

    night, _battery = posts
    with indexed():
        again = make_post(title="夜景模式拍照就闪退", board=night.thread.board)
    assert again.theme_id == night.theme_id
    theme_doc = SearchDocument.objects.filter(kind="theme", object_id=night.theme_id)
    assert night.thread.title in theme_doc.get().body

    with indexed():
        moderation.thread_moderate(thread=night.thread, action="hide", by=moderator)

    assert night.thread.title not in theme_doc.get().body
    assert again.thread.title in theme_doc.get().body

    with indexed():  # no visible post left: the theme leaves, as from the list
        moderation.thread_moderate(thread=again.thread, action="hide", by=moderator)

    assert not theme_doc.exists()


def test_posts_q_query_count_is_constant(
    client, indexed, django_assert_max_num_queries
):
    board = feedback_board()
    with indexed():
        for i in range(6):
            make_post(title=f"Speaker crackles at volume {i}", board=board)
    # candidates, documents, visible threads, the posts and their count
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/posts", {"q": "speaker"})
    assert response.json()["count"] == 6
