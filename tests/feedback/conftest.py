import pytest

from feedback.services.index import index_reset


@pytest.fixture(autouse=True)
def _fresh_index():
    """Each test's database starts empty, so each test starts with an empty index."""
    index_reset()
    yield
    index_reset()
