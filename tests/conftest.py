import pytest
from django.core.cache import cache

from tests.factories.community import FanFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the cache; every test starts with none.

    With Redis only the cache's own keys go (``delete_pattern`` applies the key
    prefix): ``clear()`` would flush the whole database, channel-layer groups of a
    live server running in a parallel worker included.
    """
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()
    yield


@pytest.fixture(autouse=True, scope="session")
def _no_index_snapshot():
    """Processes of the test run (live servers forked for browser tests too) do
    not save or load theme index snapshots; tests of snapshots turn them on with
    a path of their own."""
    from django.conf import settings

    settings.FANLOOP_INDEX_SNAPSHOT = ""


@pytest.fixture(autouse=True)
def _fresh_theme_index():
    """Each test's database starts empty, so each test starts with an empty
    in-process theme index (on PostgreSQL ids are not reused across tests, so a
    stale index would point at rolled-back themes)."""
    from feedback.services.index import index_reset

    index_reset()
    yield
    index_reset()


@pytest.fixture
def fan(db):
    return FanFactory(username="fan1", display_name="Fan One")


@pytest.fixture
def other_fan(db):
    return FanFactory(username="fan2")


def _with_role(role):
    from community.services.fans import role_grant

    person = FanFactory(username=role)
    role_grant(fan=person, role=role)
    return person


@pytest.fixture
def moderator(db):
    return _with_role("moderator")


@pytest.fixture
def pm(db):
    return _with_role("pm")


@pytest.fixture
def editor(db):
    return _with_role("editor")


@pytest.fixture
def fan_client(client, fan):
    client.force_login(fan)
    return client
