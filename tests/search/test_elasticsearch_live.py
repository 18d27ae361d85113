"""Against a real Elasticsearch server: runs when ELASTICSEARCH_URL is set, and is
reported as skipped (with the reason) when it is not. The backend contract in
test_service.py also runs against it then."""

import os

import pytest

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not os.environ.get("ELASTICSEARCH_URL"),
        reason="ELASTICSEARCH_URL is not set: no Elasticsearch server to test",
    ),
]


@pytest.fixture
def es(settings):
    from fanloop.search.backends import get_backend

    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    settings.FANLOOP_SEARCH_INDEX_PREFIX = f"fanloop-live-{os.getpid()}"
    settings.FANLOOP_SEARCH_BACKEND = "elasticsearch"
    backend = get_backend()
    yield backend
    backend.drop_all()


def test_rebuild_swaps_the_alias_and_keeps_one_index(es, post):
    from django.core.management import call_command

    post("Battery drains overnight")
    call_command("search_index", "--rebuild", "--kind", "post", "--no-progress")
    call_command("search_index", "--rebuild", "--kind", "post", "--no-progress")

    indices = es.client.indices.get_alias(name=es.alias("post"))
    assert len(indices.body) == 1
    assert es.count("post") == 1


def test_knn_finds_the_nearest_post(es, indexed):
    from tests.factories.feedback import make_post

    with indexed():
        post = make_post(title="Camera crashes in night mode")
    from feedback.search import decode_vector

    vector = decode_vector(type(post).objects.get(pk=post.pk).vector)
    if vector is None:
        pytest.skip("the semantic encoder is not available: no stored vectors")
    assert [pk for pk, _score in es.similar(vector, "camera")] == [post.pk]
