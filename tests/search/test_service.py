"""The search service against every configured backend (one contract)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from community.search import SearchQueryError
from community.services import moderation
from fanloop.search import service
from tests.factories.community import BoardFactory

pytestmark = pytest.mark.django_db


def titles(results):
    return [hit.title for hit in results.hits]


def find(query, filters=None, viewer=None, page=1):
    return service.search(query, filters, page, viewer=viewer or AnonymousUser())


class TestBackendContract:
    def test_finds_an_english_word_and_ranks_title_matches_first(self, backend, post):
        post("Battery drains overnight", "Lost 20% while asleep.")
        post("Camera is slow", "The battery icon flickers when the camera opens.")
        post("Wallpaper request", "Please add live wallpapers.")

        results = find("battery")

        assert titles(results) == ["Battery drains overnight", "Camera is slow"]
        assert results.total == 2

    def test_matches_word_forms(self, backend, post):
        post("Camera crashes on launch")

        assert titles(find("crash")) == ["Camera crashes on launch"]

    def test_all_words_must_match(self, backend, post):
        post("Battery drains overnight")
        post("Battery icon is wrong")

        assert titles(find("battery overnight")) == ["Battery drains overnight"]

    def test_phrase_or_and_exclusion(self, backend, post):
        post("Night mode is blurry")
        post("Mode of night shots")
        post("Dark theme request")

        assert titles(find('"night mode"')) == ["Night mode is blurry"]
        assert set(titles(find("blurry OR dark"))) == {
            "Night mode is blurry",
            "Dark theme request",
        }
        assert titles(find("night -blurry")) == ["Mode of night shots"]

    def test_traditional_query_finds_simplified_post(self, backend, post):
        post("相机打开就闪退", "每次打开相机都会闪退，重启也没用。")

        assert titles(find("相機閃退")) == ["相机打开就闪退"]

    def test_simplified_query_finds_traditional_post(self, backend, post):
        post("電池續航變差", "升級以後電池掉電很快。")

        assert titles(find("电池")) == ["電池續航變差"]

    def test_finds_a_word_inside_an_unsegmented_sentence(self, backend, post):
        post("更新后夜景模式拍照模糊不清楚")

        assert titles(find("夜景")) == ["更新后夜景模式拍照模糊不清楚"]
        assert titles(find("模糊")) == ["更新后夜景模式拍照模糊不清楚"]

    def test_snippet_marks_the_matched_words(self, backend, post):
        post("Battery", "Since the update my battery drains in four hours.")

        (hit,) = find("drains").hits

        assert "<mark>drains</mark>" in hit.snippet
        assert hit.url.startswith("/t/")

    def test_snippet_escapes_html(self, backend, post):
        post("Script in body", "<script>alert(1)</script> script text")

        (hit,) = find("script").hits

        assert "<script>" not in hit.snippet

    def test_filters_by_board_tag_and_kind_with_facet_counts(self, backend, post):
        other = BoardFactory(name="Audio", slug="audio")
        post("Sound crackles on battery saver", tags=["audio-bug"])
        post("Battery drains")
        post("Battery audio drop", board=other)

        everything = find("battery")
        assert everything.total == 3
        boards = everything.facets["board"]
        assert sorted(boards.values()) == [1, 2]

        audio = find("battery", {"board": other.pk})
        assert titles(audio) == ["Battery audio drop"]
        # The board facet keeps counting the other boards so a person can switch.
        assert sum(audio.facets["board"].values()) == 3

        tagged = find("battery", {"tag": "audio-bug"})
        assert titles(tagged) == ["Sound crackles on battery saver"]

        assert find("battery", {"kinds": ("theme",)}).total == 0

    def test_pages_through_results(self, backend, post):
        for i in range(25):
            post(f"Battery report {i}")

        first, second = find("battery"), find("battery", page=2)

        assert first.total == 25 and first.num_pages == 2
        assert len(first.hits) == 20 and len(second.hits) == 5
        assert not set(titles(first)) & set(titles(second))

    def test_updates_and_deletions_reach_the_index_on_commit(
        self, backend, post, indexed
    ):
        thread = post("Old title about wifi", "Connection drops.")
        with indexed():
            thread.title = "New title about bluetooth"
            thread.save()
        assert titles(find("bluetooth")) == ["New title about bluetooth"]
        assert find("wifi").total == 0

        with indexed():
            thread.delete()
        assert find("bluetooth").total == 0


class TestHiddenContent:
    def test_hidden_thread_leaves_results_for_fans_in_the_same_commit(
        self, backend, post, indexed, moderator, fan
    ):
        thread = post("Leaked firmware link")
        assert titles(find("firmware", viewer=fan)) == ["Leaked firmware link"]

        with indexed():
            moderation.thread_moderate(thread=thread, action="hide", by=moderator)

        assert find("firmware", viewer=fan).total == 0
        assert find("firmware").total == 0
        assert titles(find("firmware", viewer=moderator)) == ["Leaked firmware link"]

    def test_visibility_is_checked_at_query_time_even_if_the_index_lags(
        self, backend, post, fan
    ):
        thread = post("Leaked firmware link")
        # Hidden without the commit hook: the index still says "visible".
        type(thread).objects.filter(pk=thread.pk).update(is_hidden=True)

        assert find("firmware", viewer=fan).hits == []


class TestBadQueries:
    @pytest.mark.parametrize(
        "query",
        ['"unbalanced', "AND OR NOT ( *", "NEAR(a b)", 'title:"x"', "a\x00b", "^*-"],
    )
    def test_odd_syntax_searches_as_text_or_explains(self, backend, post, query):
        post("Unbalanced quotes")
        try:
            find(query)
        except SearchQueryError as exc:
            assert str(exc)

    def test_a_very_long_query_is_refused_with_a_message(self, backend):
        with pytest.raises(SearchQueryError, match="at most"):
            find("a" * 10_000)

    def test_only_exclusions_is_refused_with_a_message(self, backend):
        with pytest.raises(SearchQueryError, match="not only"):
            find("-battery")
