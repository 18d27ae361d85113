"""Each process's theme index follows PM decisions without being rebuilt."""

import pytest
from django.db import transaction

from feedback.models import PainPoint
from feedback.services import index as theme_index
from feedback.services.index import get_engine, get_index
from feedback.services.recluster import recluster_all
from feedback.services.triage import post_move, theme_merge
from tests.factories.feedback import make_post

pytestmark = pytest.mark.django_db

CAMERA = "Camera app crashes when I switch to night mode"
BATTERY = "Battery drains 30 percent overnight while the phone is idle"
WIFI = "Wi-Fi disconnects every few minutes at home"


def test_a_merge_moves_posts_in_the_same_index(pm, django_capture_on_commit_callbacks):
    camera = make_post(title=CAMERA)
    battery = make_post(title=BATTERY)
    index = get_index()
    assert index.theme_of(battery.pk) == battery.theme_id

    with django_capture_on_commit_callbacks(execute=True):
        theme_merge(source=battery.theme, into=camera.theme, by=pm)

    assert get_index() is index  # not rebuilt
    assert index.theme_of(battery.pk) == camera.theme_id
    assert index.theme_of(camera.pk) == camera.theme_id


def test_a_move_and_a_recluster_are_followed(pm, django_capture_on_commit_callbacks):
    camera = make_post(title=CAMERA)
    wifi = make_post(title=WIFI)
    index = get_index()

    with django_capture_on_commit_callbacks(execute=True):
        post_move(post=wifi, into=camera.theme, by=pm)
    assert get_index().theme_of(wifi.pk) == camera.theme_id

    PainPoint.objects.filter(pk=wifi.pk).update(theme_pinned=False)
    with django_capture_on_commit_callbacks(execute=True):
        recluster_all()

    themes = dict(PainPoint.objects.values_list("pk", "theme_id"))
    assert get_index() is index
    assert {pk: index.theme_of(pk) for pk in themes} == themes


def test_a_post_that_leaves_the_index_is_dropped(django_capture_on_commit_callbacks):
    camera = make_post(title=CAMERA)
    battery = make_post(title=BATTERY)
    index = get_index()

    PainPoint.objects.filter(pk=battery.pk).update(vector=None)
    with django_capture_on_commit_callbacks(execute=True):
        theme_index.index_changed()

    assert get_index() is index
    assert battery.pk not in theme_index._state.known
    assert index.theme_of(camera.pk) == camera.theme_id
    assert len(index) == 1


def test_a_late_commit_below_the_mark_is_picked_up_within_the_interval(monkeypatch):
    camera = make_post(title=CAMERA)
    late = make_post(title=BATTERY)
    make_post(title=WIFI)
    theme_id = late.theme_id
    # As if ``late`` had committed after a post with a higher key was indexed.
    PainPoint.objects.filter(pk=late.pk).update(theme=None)
    theme_index.index_reset()
    index = get_index()
    assert index.theme_of(late.pk) is None
    PainPoint.objects.filter(pk=late.pk).update(theme_id=theme_id)

    monkeypatch.setattr(theme_index, "LOOKBACK_EVERY", 3600)
    assert get_index().theme_of(late.pk) is None  # looked back a moment ago

    theme_index._state.looked_back_at -= 3600
    assert get_index().theme_of(late.pk) == theme_id
    assert get_index().theme_of(camera.pk) == camera.theme_id


def test_a_post_committed_here_is_indexed_without_reading_it_back(
    django_capture_on_commit_callbacks, django_assert_num_queries
):
    make_post(title=CAMERA)
    index = get_index()
    with django_capture_on_commit_callbacks(execute=True):
        battery = make_post(title=BATTERY)
    assert battery.pk in theme_index._state.known  # on commit, in this process

    with django_assert_num_queries(1) as captured:  # the keys above the mark
        assert get_index() is index
    assert 'AS "vector"' not in captured.captured_queries[0]["sql"]  # keys only
    assert index.theme_of(battery.pk) == battery.theme_id
    best = index.similar(
        get_engine().decode(battery.vector), "battery drains overnight idle", k=1
    )
    assert best[0].post_id == battery.pk
    # The mark moved past it: later requests do not list it again.
    assert theme_index._state.watermark == battery.pk
    theme_index._state.looked_back_at = float("inf")  # no look-back below the mark
    assert theme_index._new_rows(theme_index._state.watermark) == ([], 0)


def test_a_post_rolled_back_never_reaches_the_index():
    index = get_index()
    with pytest.raises(RuntimeError), transaction.atomic():
        doomed = make_post(title=WIFI)
        raise RuntimeError("the request failed after the post was assigned")
    assert doomed.pk not in theme_index._state.known
    assert doomed.pk not in index.row_of
