"""Editing a pain point: structure, text (encoded again, every index follows),
files added within the limit; the post keeps its theme and votes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from feedback.models import PainPoint, Theme, Vote
from feedback.services import index as theme_index
from feedback.services import votes
from feedback.services.index import get_index
from feedback.services.themes import similar_posts
from tests.factories.community import FanFactory
from tests.factories.feedback import make_post
from tests.feedback.test_views import form, png_bytes

pytestmark = pytest.mark.django_db

CAMERA = "Camera app crashes when I switch to night mode"
CAMERA_2 = "The camera crashes every time night mode is turned on"
WIFI = "Wi-Fi disconnects every few minutes at home"


def edit(client, post, **overrides):
    return client.post(f"/t/{post.pk}/edit/", form(**overrides))


def test_the_form_shows_the_post_as_it_is(fan_client, fan):
    post = make_post(title=CAMERA, author=fan, device_model="Xiaomi 14", severity=3)
    page = fan_client.get(f"/t/{post.pk}/edit/").content.decode()
    assert f'value="{CAMERA}"' in page and 'value="Xiaomi 14"' in page
    assert '<option value="3" selected>' in page
    assert 'name="attachments"' in page
    assert (
        f'href="/t/{post.pk}/edit/"'
        in fan_client.get(f"/t/{post.pk}/").content.decode()
    )


def test_author_changes_the_structure_and_the_theme_is_recounted(fan_client, fan):
    post = make_post(title=CAMERA, author=fan, severity=1)
    before = Theme.objects.get(pk=post.theme_id).score
    response = edit(fan_client, post, title=CAMERA, body=post.thread.body, severity="4")
    assert response.status_code == 302
    stored = PainPoint.objects.select_related("thread").get(pk=post.pk)
    assert (stored.severity, stored.device_model, stored.steps) == (
        4,
        "Xiaomi 14",
        "1. open camera",
    )
    assert stored.revision == 0  # the text did not change: not encoded again
    assert stored.thread.edited_at is not None
    assert Theme.objects.get(pk=post.theme_id).score > before
    page = fan_client.get(f"/t/{post.pk}/").content.decode()
    assert "1. open camera" in page and "edited" in page


def test_a_new_text_is_encoded_again_and_the_index_follows(
    fan_client, fan, django_capture_on_commit_callbacks
):
    post = make_post(title=CAMERA, author=fan)
    make_post(title=WIFI)
    voter = FanFactory()
    votes.vote_cast(fan=voter, post=post)
    old_vector = bytes(post.vector)
    index = get_index()
    hits = similar_posts(text=CAMERA, viewer=voter)
    assert hits[0]["post"] == post.pk
    camera_score = hits[0]["score"]

    with django_capture_on_commit_callbacks(execute=True):
        response = edit(fan_client, post, title=WIFI + " since the update", body=WIFI)
    assert response.status_code == 302
    stored = PainPoint.objects.get(pk=post.pk)
    assert stored.revision == 1 and bytes(stored.vector) != old_vector
    assert stored.theme_id == post.theme_id  # it keeps its theme and its votes
    assert Theme.objects.get(pk=post.theme_id).title == WIFI + " since the update"
    assert Vote.objects.filter(post=post).count() == 1

    assert get_index() is index  # not rebuilt: the edited post is replaced
    row = index.row_of[post.pk]
    assert any("wi" in term or "fi" in term for term in index.terms[row])
    assert not any("camera" in term for term in index.terms[row])
    assert theme_index._state.revisions[post.pk] == 1
    scores = {h["post"]: h["score"] for h in similar_posts(text=CAMERA, viewer=voter)}
    assert scores[post.pk] < camera_score / 2
    assert len(index) == 2


def test_a_body_only_edit_reaches_the_index_terms(
    fan_client, fan, django_capture_on_commit_callbacks
):
    post = make_post(title=CAMERA, author=fan, body="It crashes.")
    index = get_index()
    body = "It crashes, and the gallery loses the photo too."
    with django_capture_on_commit_callbacks(execute=True):
        response = edit(fan_client, post, title=CAMERA, body=body)
    assert response.status_code == 302
    assert PainPoint.objects.get(pk=post.pk).revision == 1
    assert any("galler" in term for term in get_index().terms[index.row_of[post.pk]])


def test_another_process_replaces_the_edited_post_on_its_next_use(
    fan_client, fan, django_capture_on_commit_callbacks
):
    post = make_post(title=CAMERA, author=fan)
    make_post(title=WIFI)
    with django_capture_on_commit_callbacks(execute=True):
        edit(fan_client, post, title=WIFI + " after the update", body=WIFI)
    # A process that starts now builds from the database: the new text only.
    theme_index.index_reset()
    fresh = get_index()
    row = fresh.row_of[post.pk]
    assert not any("camera" in term for term in fresh.terms[row])
    assert theme_index._state.revisions[post.pk] == 1


def test_a_renamed_or_relabelled_theme_keeps_its_title(fan_client, fan, pm):
    from feedback.services.triage import theme_rename

    post = make_post(title=CAMERA, author=fan)
    other = make_post(title=CAMERA_2, author=fan)
    assert other.theme_id == post.theme_id
    edit(fan_client, other, title=CAMERA_2 + " (Xiaomi 14)", body=CAMERA_2)
    assert Theme.objects.get(pk=post.theme_id).title == CAMERA  # named after post
    theme_rename(theme=post.theme, title="Night mode crash", by=pm)
    edit(fan_client, post, title=CAMERA + " (Xiaomi 14)", body=CAMERA)
    assert Theme.objects.get(pk=post.theme_id).title == "Night mode crash"


def test_files_can_be_added_up_to_the_limit(fan_client, fan, settings):
    settings.FANLOOP_MAX_ATTACHMENTS = 2
    post = make_post(title=CAMERA, author=fan)
    shot = SimpleUploadedFile("shot.png", png_bytes(), "image/png")
    response = edit(fan_client, post, attachments=[shot])
    assert response.status_code == 302
    assert post.attachments.count() == 1
    two = [
        SimpleUploadedFile("a.png", png_bytes(), "image/png"),
        SimpleUploadedFile("b.log", b"E/Camera: crash\n", "text/plain"),
    ]
    response = edit(fan_client, post, body="keep this text", attachments=two)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Attach at most 2 files." in page and "keep this text" in page
    assert post.attachments.count() == 1
    log = SimpleUploadedFile("c.log", b"E/Camera: crash\n", "text/plain")
    assert edit(fan_client, post, attachments=[log]).status_code == 302
    assert (
        'name="attachments"'
        not in fan_client.get(f"/t/{post.pk}/edit/").content.decode()
    )


def test_a_refused_file_keeps_the_edit(fan_client, fan):
    post = make_post(title=CAMERA, author=fan)
    bad = SimpleUploadedFile("virus.png", b"MZ\x90\x00 not an image", "image/png")
    response = edit(fan_client, post, body="my new words", attachments=[bad])
    assert response.status_code == 400
    assert "my new words" in response.content.decode()
    assert PainPoint.objects.get(pk=post.pk).thread.body != "my new words"


def test_another_fan_cannot_edit_a_pain_point(client, other_fan, fan):
    post = make_post(title=CAMERA, author=fan)
    client.force_login(other_fan)
    assert client.get(f"/t/{post.pk}/edit/").status_code == 403
    assert edit(client, post, title="Not yours").status_code == 403
    assert PainPoint.objects.get(pk=post.pk).thread.title == CAMERA


def test_edit_page_of_a_hidden_post_is_404_for_fans(client, other_fan, moderator, fan):
    post = make_post(title=CAMERA_2, author=fan)
    post.thread.is_hidden = True
    post.thread.save(update_fields=["is_hidden"])
    client.force_login(fan)
    assert client.get(f"/t/{post.pk}/edit/").status_code == 404
    client.force_login(moderator)
    assert client.get(f"/t/{post.pk}/edit/").status_code == 200


def test_the_edit_form_reads_its_pain_point_once(
    fan_client, fan, django_assert_max_num_queries
):
    post = make_post(title=CAMERA, author=fan)
    with django_assert_max_num_queries(12) as captured:
        assert fan_client.get(f"/t/{post.pk}/edit/").status_code == 200
    reads = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "feedback_painpoint"' in q["sql"]
    ]
    assert len(reads) == 1, reads
