import pytest

from tests.factories.community import FanFactory


@pytest.fixture
def fans(db):
    return [FanFactory(username=f"reporter{i}") for i in range(4)]
