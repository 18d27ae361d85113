"""PM decisions move posts and change statuses with bulk updates; the audit event
each one writes keeps the index in step (status facets, merged themes)."""

import pytest

from feedback.models import PainPoint, Theme
from feedback.services.recluster import recluster_all
from feedback.services.triage import post_move, theme_merge, themes_ship
from tests.factories.feedback import make_post
from tests.search.test_service import find, titles

pytestmark = pytest.mark.django_db


def test_shipping_a_theme_moves_its_posts_to_the_shipped_facet(backend, indexed, pm):
    with indexed():
        make_post(title="Gallery thumbnails vanish after rotating")
    post = make_post(title="Gallery thumbnails vanish after rotating the phone")
    shipped = {"status": "shipped", "kinds": ["post"]}
    assert titles(find("thumbnails", shipped)) == []

    with indexed():
        themes_ship(theme_ids=[post.theme_id], version="24.11.22", by=pm)

    assert len(titles(find("thumbnails", shipped))) == 2
    assert titles(find("thumbnails", {"status": "shipped", "kinds": ["theme"]}))


def test_merged_and_moved_posts_carry_their_new_themes_status(backend, indexed, pm):
    with indexed():
        a = make_post(title="Battery drains overnight in standby")
        b = make_post(title="Bluetooth headphones disconnect often")
        c = make_post(title="Fingerprint unlock fails after the update")
        themes_ship(theme_ids=[a.theme_id], version="24.11.22", by=pm)
    shipped = {"status": "shipped", "kinds": ["post"]}
    assert titles(find("bluetooth OR fingerprint", shipped)) == []

    with indexed():
        theme_merge(source=b.theme, into=a.theme, by=pm)
        post_move(post=c, into=a.theme, by=pm)

    assert set(titles(find("bluetooth OR fingerprint", shipped))) == {
        "Bluetooth headphones disconnect often",
        "Fingerprint unlock fails after the update",
    }


def test_recluster_keeps_the_index_in_step(backend, indexed, pm):
    with indexed():
        first = make_post(title="Screen flickers at low brightness")
        make_post(title="Screen flickers at low brightness after the update")
        themes_ship(theme_ids=[first.theme_id], version="24.11.22", by=pm)
    Theme.objects.filter(pk=first.theme_id).update(merged_into=None)
    PainPoint.objects.update(theme=None)

    with indexed():
        report = recluster_all()

    assert "Re-clustered 2 posts" in report
    reopened = {"status": "new", "kinds": ["post"]}
    assert len(titles(find("flickers", reopened))) == 2


def test_a_theme_document_quotes_its_most_voted_titles(monkeypatch, pm):
    from feedback import search as feedback_search
    from feedback.services.votes import vote_cast
    from tests.factories.community import FanFactory

    monkeypatch.setattr(feedback_search, "THEME_POST_TITLES", 2)
    first = make_post(title="Alarm rings late on Mondays")
    quiet = make_post(title="Clock widget shows the wrong zone")
    loud = make_post(title="Timer sound stops after a second")
    for post in (quiet, loud):
        post_move(post=post, into=first.theme, by=pm)
    for fan in FanFactory.create_batch(2):
        vote_cast(fan=fan, post=loud)
    vote_cast(fan=FanFactory(), post=first)

    other = make_post(title="Camera shutter lags in low light")
    [[(theme_id, doc)]] = list(feedback_search.theme_documents([first.theme_id]))

    assert theme_id == first.theme_id
    assert "Timer sound stops" in doc.body and "Alarm rings late" in doc.body
    assert "Clock widget" not in doc.body
    # Re-indexing many themes at once (a window query) quotes the same titles.
    [batch] = feedback_search.theme_documents([first.theme_id, other.theme_id])
    assert dict(batch)[first.theme_id] == doc
    assert "Camera shutter lags" in dict(batch)[other.theme_id].body


def test_recluster_drops_the_theme_it_emptied_from_the_index(backend, indexed):
    from fanloop.search.indexing import index_now
    from feedback.services.counters import themes_recount

    with indexed():
        first = make_post(title="Screen flickers at low brightness")
        second = make_post(title="Screen flickers at low brightness after the update")
    other = Theme.objects.create(title="Flicker at night", board=first.thread.board)
    PainPoint.objects.filter(pk=second.pk).update(theme=other)
    themes_recount([first.theme_id, other.pk])
    index_now("theme", [first.theme_id, other.pk])
    themes_only = {"kinds": ["theme"]}
    assert find("flickers", themes_only).facets["kind"]["theme"] == 2

    with indexed():
        recluster_all()

    kept = PainPoint.objects.get(pk=first.pk).theme_id
    assert PainPoint.objects.get(pk=second.pk).theme_id == kept
    emptied = Theme.objects.get(pk=({first.theme_id, other.pk} - {kept}).pop())
    assert (emptied.post_count, emptied.fan_count, emptied.score) == (0, 0, 0.0)
    results = find("flickers", themes_only)
    assert [hit.id for hit in results.hits] == [kept]
    assert results.facets["kind"]["theme"] == 1  # the emptied one left the index


def test_posts_moved_between_themes_of_one_status_are_not_reindexed(pm):
    from feedback.models import ThemeEvent
    from feedback.search import POSTS

    a = make_post(title="Battery drains overnight in standby")
    b = make_post(title="Bluetooth headphones disconnect often")
    c = make_post(title="Fingerprint unlock fails after the update")
    assert len({a.theme_id, b.theme_id, c.theme_id}) == 3
    watch = POSTS.watch["feedback.ThemeEvent"]

    post_move(post=b, into=a.theme, by=pm)  # both themes are new
    moves = ThemeEvent.objects.filter(action=ThemeEvent.Action.MOVE)
    assert [watch(event) for event in moves] == [[], []]

    themes_ship(theme_ids=[a.theme_id], version="24.11.22", by=pm)
    post_move(post=c, into=Theme.objects.get(pk=a.theme_id), by=pm)
    latest = moves.order_by("-pk")[:2]
    assert [watch(event) for event in latest] == [[c.pk], [c.pk]]
