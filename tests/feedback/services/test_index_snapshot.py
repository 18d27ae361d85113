"""A new process loads the index an earlier one saved, brought up to date."""

import logging

import pytest
from django.core.management import CommandError, call_command

from fanloop.warmup import warm_up
from feedback.clustering.snapshot import read_meta
from feedback.models import PainPoint
from feedback.services import index as theme_index
from feedback.services.index import get_index, index_reset
from feedback.services.triage import theme_merge
from tests.factories.feedback import make_post

pytestmark = pytest.mark.django_db

TITLES = [
    "Camera app crashes when I switch to night mode",
    "Battery drains 30 percent overnight while the phone is idle",
    "Wi-Fi disconnects every few minutes at home",
    "电池一晚上掉电很快",
]


@pytest.fixture
def snapshot_path(settings, tmp_path):
    settings.FANLOOP_INDEX_SNAPSHOT = str(tmp_path / "var" / "theme-index.npz")
    return tmp_path / "var" / "theme-index.npz"


def _state(index):
    n = index.size
    return {
        int(pk): index.theme_of(int(pk))
        for pk, active in zip(index.ids[:n], index.active[:n], strict=True)
        if active
    }


def test_a_new_process_loads_and_updates_the_saved_index(
    snapshot_path, pm, caplog, django_capture_on_commit_callbacks
):
    posts = [make_post(title=t) for t in TITLES]
    index_reset()
    get_index()  # a process starts: builds from every post and saves
    assert read_meta(snapshot_path)["watermark"] == posts[-1].pk

    # While no process runs: a merge and a new post.
    with django_capture_on_commit_callbacks(execute=True):
        theme_merge(source=posts[1].theme, into=posts[0].theme, by=pm)
    late = make_post(title="Camera crashes in night mode again")
    index_reset()  # a new process

    with caplog.at_level(logging.INFO, logger="feedback.services.index"):
        index = get_index()

    assert "loaded from" in caplog.text
    expected = dict(PainPoint.objects.exclude(theme=None).values_list("pk", "theme_id"))
    assert _state(index) == expected
    assert index.theme_of(posts[1].pk) == posts[0].theme_id
    assert late.pk in theme_index._state.known
    rebuilt = index_reset() or get_index()
    assert _state(rebuilt) == expected


def test_a_snapshot_of_another_database_is_not_used(snapshot_path, caplog):
    first = make_post(title=TITLES[0])
    second = make_post(title=TITLES[1])
    index_reset()
    get_index()
    # As if the database had been reset and refilled: same keys, other posts.
    PainPoint.objects.filter(pk=first.pk).update(
        vector=PainPoint.objects.get(pk=second.pk).vector
    )
    index_reset()

    with caplog.at_level(logging.INFO, logger="feedback.services.index"):
        get_index()

    assert "another database" in caplog.text
    assert "loaded from" not in caplog.text


def test_a_damaged_snapshot_is_rebuilt_and_replaced(snapshot_path):
    make_post(title=TITLES[0])
    snapshot_path.write_bytes(b"PK\x03\x04 not a snapshot")
    index_reset()

    index = get_index()

    assert len(index) == 1
    assert read_meta(snapshot_path) is not None  # written again


def test_snapshots_are_off_with_an_empty_setting(settings, tmp_path):
    settings.FANLOOP_INDEX_SNAPSHOT = ""
    make_post(title=TITLES[0])
    get_index()
    assert theme_index.save_snapshot() is False
    with pytest.raises(CommandError, match="Snapshots are off"):
        call_command("index_snapshot")


def test_the_command_saves_a_snapshot(snapshot_path, capsys):
    posts = [make_post(title=t) for t in TITLES]

    call_command("index_snapshot")

    assert f"Saved {len(posts)} posts" in capsys.readouterr().out
    assert read_meta(snapshot_path)["watermark"] == posts[-1].pk


@pytest.mark.django_db(transaction=True)
def test_a_starting_server_warms_the_index_up_on_a_thread(snapshot_path, settings):
    posts = [make_post(title=t) for t in TITLES]
    index_reset()
    settings.FANLOOP_INDEX_WARMUP = True

    thread = warm_up()
    thread.join(timeout=120)

    assert not thread.is_alive()
    assert theme_index._state.known == {post.pk for post in posts}
    assert read_meta(snapshot_path)["watermark"] == posts[-1].pk


def test_no_warm_up_unless_asked(settings):
    settings.FANLOOP_INDEX_WARMUP = False
    assert warm_up() is None
    assert theme_index._state.index is None


def test_a_snapshot_from_before_or_after_an_edit_serves_the_new_text(
    snapshot_path, caplog, django_capture_on_commit_callbacks
):
    from feedback.services.index import save_snapshot
    from feedback.services.posts import painpoint_edit

    posts = [make_post(title=t) for t in TITLES]
    index_reset()
    get_index()  # builds and saves: the snapshot has the old text
    edited = posts[0]
    with django_capture_on_commit_callbacks(execute=True):
        painpoint_edit(
            post=edited,
            by=edited.thread.author,
            title="Bluetooth headphones cut out during calls",
            body="Bluetooth audio cuts out every few seconds during calls.",
        )

    def terms_of(index, pk):
        return set(index.terms[index.row_of[pk]])

    for _ in range(2):  # loaded from the old snapshot, then from one saved after
        index_reset()
        with caplog.at_level(logging.INFO, logger="feedback.services.index"):
            index = get_index()
        assert "loaded from" in caplog.text
        caplog.clear()
        assert any("bluetooth" in t for t in terms_of(index, edited.pk))
        assert not any("camera" in t for t in terms_of(index, edited.pk))
        assert len(index) == len(TITLES)
        assert _state(index) == dict(
            PainPoint.objects.exclude(theme=None).values_list("pk", "theme_id")
        )
        save_snapshot()
