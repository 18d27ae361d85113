import os

import pytest

from tests.factories.community import BoardFactory, make_thread

BACKENDS = [
    pytest.param("database", id="database"),
    pytest.param(
        "elasticsearch",
        id="elasticsearch",
        marks=pytest.mark.skipif(
            not os.environ.get("ELASTICSEARCH_URL"),
            reason="ELASTICSEARCH_URL is not set: no Elasticsearch server to test",
        ),
    ),
]


@pytest.fixture(params=BACKENDS)
def backend(request, settings, db):
    """Run the test once per configured backend, with a fresh index."""
    from fanloop.search.backends import get_backend

    settings.FANLOOP_SEARCH_BACKEND = request.param
    if request.param == "elasticsearch":
        settings.FANLOOP_SEARCH_INDEX_PREFIX = f"fanloop-test-{os.getpid()}"
        settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    instance = get_backend()
    yield instance
    if request.param == "elasticsearch":
        instance.drop_all()


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """``with indexed(): ...`` runs the commit hooks (search indexing) at the end,
    as a real commit would; tests run inside a transaction that never commits."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def camera(db):
    return BoardFactory(name="Camera", slug="camera")


@pytest.fixture
def post(indexed, camera):
    def make(title, body="", board=None, **kwargs):
        with indexed():
            return make_thread(
                board=board or camera, title=title, body=body or title, **kwargs
            )

    return make
