"""The search page, the header box, bad input and query counts."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from community.search import SearchQueryError
from fanloop.search import service
from fanloop.search.query import parse

pytestmark = pytest.mark.django_db


def test_header_has_a_search_box(client):
    html = client.get("/search/").content.decode()
    assert 'action="/search/"' in html
    assert 'role="search"' in html


def test_page_shows_highlighted_results_with_facets(client, post):
    post("Battery drains overnight", "Since 2.1 the battery drains fast.")
    post("Camera slow")

    response = client.get("/search/", {"q": "battery"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Battery drains overnight" in html
    assert "Camera slow" not in html
    assert "<mark>battery</mark>" in html
    assert 'data-facet="kind"' in html and 'data-facet="board"' in html
    assert "1 result" in html


def test_filters_narrow_results_and_facets_link_to_them(client, post):
    post("Battery drains", tags=["drain"])
    post("Battery icon")

    html = client.get("/search/", {"q": "battery", "tag": "drain"}).content.decode()

    assert "Battery drains" in html and "Battery icon" not in html
    assert "board=camera" in html  # the board facet's link


def test_no_results_page_helps(client, post):
    post("Battery drains")

    html = client.get("/search/", {"q": "bluetooth"}).content.decode()

    assert "data-no-results" in html
    assert "Traditional" in html


@pytest.mark.parametrize(
    "q", ['"unbalanced', "AND OR NOT ( *", "a" * 10_000, "nul\x00byte", "-only", " "]
)
def test_bad_queries_never_fail(client, post, q):
    post("Unbalanced quotes are fine")

    response = client.get("/search/", {"q": q})

    assert response.status_code == 200


def test_a_refused_query_says_why(client):
    html = client.get("/search/", {"q": "x" * 10_000}).content.decode()
    assert "data-search-error" in html
    assert "at most 500 characters" in html


def test_bad_filter_values_are_ignored(client, post):
    post("Battery drains")
    response = client.get(
        "/search/",
        {"q": "battery", "board": "no such", "since": "x", "page": "-3", "kind": "?"},
    )
    assert response.status_code == 200
    assert "Battery drains" in response.content.decode()


def test_search_page_query_count_is_constant(
    client, fan, post, django_assert_max_num_queries
):
    for i in range(25):
        post(f"Battery report {i}", tags=["battery"])
    client.force_login(fan)
    # session, fan, boards, results, facets, visible posts, unread count
    with django_assert_max_num_queries(8):
        response = client.get("/search/", {"q": "battery"})
    assert response.content.decode().count('class="result"') == 20


@pytest.fixture
def corpus(post):
    post("Battery drains 電池耗電", "相机闪退 in night mode; wi-fi v2.1 _under_ 100%")


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.text(max_size=600))
def test_any_string_gives_results_or_a_message(backend, corpus, text):
    try:
        results = service.search(text, viewer=_anonymous())
    except SearchQueryError as exc:
        assert str(exc)
    else:
        assert results.total >= 0


@given(text=st.text(max_size=300))
def test_the_parser_never_raises_anything_else(text):
    try:
        query = parse(text)
    except SearchQueryError:
        return
    assert query.groups and all(alt.terms for g in query.groups for alt in g)


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
