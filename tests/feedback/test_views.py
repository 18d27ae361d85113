import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from feedback.models import Attachment, PainPoint, Vote
from tests.factories.feedback import feedback_board, make_post

pytestmark = pytest.mark.django_db

CAMERA = "Camera app crashes when I switch to night mode"


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def form(**overrides):
    data = {
        "kind": "bug",
        "title": CAMERA,
        "body": "It crashes.",
        "severity": "3",
        "device_model": "Xiaomi 14",
        "os_version": "OS 2.0",
        "reproducibility": "always",
        "steps": "1. open camera",
        "expected": "photo",
        "actual": "crash",
        "tags": "crash",
    }
    data.update(overrides)
    return data


def test_feedback_board_shows_pain_point_form(fan_client):
    feedback_board()
    body = fan_client.get("/b/camera/new/").content.decode()
    assert 'name="kind"' in body and 'name="attachments"' in body


def test_post_pain_point_with_screenshot_and_log(fan_client):
    feedback_board()
    files = [
        SimpleUploadedFile("shot.png", png_bytes(), "image/png"),
        SimpleUploadedFile("app.log", b"E/Camera: crash\n", "text/plain"),
    ]
    response = fan_client.post("/b/camera/new/", {**form(), "attachments": files})
    assert response.status_code == 302, response.content.decode()[:2000]
    post = PainPoint.objects.get()
    assert post.severity == 3 and post.theme_id
    assert sorted(Attachment.objects.values_list("kind", flat=True)) == ["image", "log"]
    page = fan_client.get(response["Location"]).content.decode()
    assert "Xiaomi 14" in page and "Steps to reproduce" in page and "shot.png" in page


def test_wrong_file_is_refused_and_text_kept(fan_client):
    feedback_board()
    bad = SimpleUploadedFile("virus.png", b"MZ\x90\x00 not an image", "image/png")
    response = fan_client.post(
        "/b/camera/new/", {**form(body="keep me"), "attachments": [bad]}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "virus.png is not an allowed file" in content
    assert "keep me" in content
    assert not PainPoint.objects.exists()


def test_board_filters_by_kind_and_shows_votes(client):
    board = feedback_board()
    make_post(title=CAMERA, board=board, kind="bug")
    make_post(
        title="Please add a dark theme to gallery", board=board, kind="suggestion"
    )
    body = client.get("/b/camera/?kind=suggestion").content.decode()
    assert "dark theme" in body and CAMERA not in body
    assert "🙋 0" in body


def test_board_filters_by_device_version_frequency_and_severity(
    client, fan, django_assert_max_num_queries
):
    board = feedback_board()
    mine = make_post(
        title=CAMERA,
        board=board,
        device_model="Xiaomi 14",
        os_version="OS 2.0.12",
        reproducibility="always",
        severity=4,
    )
    other = make_post(
        title="Gallery scrolling stutters",
        board=board,
        device_model="Redmi Note 13",
        os_version="OS 1.0.8",
        reproducibility="once",
        severity=1,
    )

    def listed(**params):
        body = client.get("/b/camera/", params).content.decode()
        return {p for p in (mine, other) if p.thread.title in body}, body

    shown, body = listed()
    assert shown == {mine, other}
    # The choices are the devices and versions the board's posts name.
    assert "<option>Xiaomi 14</option>" in body and "<option>OS 1.0.8</option>" in body
    assert listed(device="Xiaomi 14")[0] == {mine}
    assert listed(version="OS 1.0.8")[0] == {other}
    assert listed(repro="always")[0] == {mine}
    assert listed(severity="3")[0] == {mine}  # at least "high"
    assert listed(severity="1")[0] == {mine, other}
    assert listed(device="Xiaomi 14", repro="once")[0] == set()
    # Nonsense is ignored, not an error; a chosen device stays selected.
    shown, body = listed(severity="x", repro="never", kind="feature")
    assert shown == {mine, other}
    assert "<option selected>Xiaomi 14</option>" in listed(device="Xiaomi 14")[1]
    client.force_login(fan)
    client.get("/b/camera/")  # the choices are cached from here on
    with django_assert_max_num_queries(12):
        assert client.get("/b/camera/", {"device": "Xiaomi 14"}).status_code == 200


def test_vote_toggle_without_javascript_and_with(fan_client, fan):
    post = make_post(title=CAMERA)
    response = fan_client.post(f"/p/{post.pk}/vote/")
    assert response.status_code == 302
    assert Vote.objects.filter(fan=fan, post=post).exists()
    data = fan_client.post(f"/p/{post.pk}/vote/", HTTP_ACCEPT="application/json").json()
    assert data["voted"] is False and data["votes"] == 0


def test_theme_page_explains_grouping(client, pm):
    post = make_post(title=CAMERA, device_model="Xiaomi 14")
    make_post(
        title="The camera crashes every time night mode is on",
        device_model="Redmi Note 13",
    )
    page = client.get(post.theme.get_absolute_url()).content.decode()
    assert "Why these posts are grouped" in page
    assert "Redmi Note 13" in page and "Xiaomi 14" in page
    assert "first report" in page
    assert "Product manager" not in page
    client.force_login(pm)
    assert (
        "Product manager" in client.get(post.theme.get_absolute_url()).content.decode()
    )


def test_theme_history_shows_a_long_list_of_posts_in_brief(client, pm):
    from feedback.models import ThemeEvent

    theme = make_post(title=CAMERA).theme
    ThemeEvent.objects.create(
        theme=theme,
        action=ThemeEvent.Action.RECLUSTER,
        before={"from": [None, 7]},
        after={"posts": list(range(101, 121))},
    )
    client.force_login(pm)
    page = client.get(theme.get_absolute_url()).content.decode()
    history = page.split('<ul class="events">')[1].split("</ul>")[0]
    assert "{&quot;from&quot;: [null, 7]}" in history
    assert "[101, 102, 103, 104, 105, 106, 107, 108, … 20 in all]" in history
    assert "109" not in history


def test_fan_cannot_use_theme_actions(fan_client):
    theme = make_post(title=CAMERA).theme
    response = fan_client.post(f"/themes/{theme.pk}/rename/", {"title": "Hacked"})
    assert response.status_code == 403


def test_pm_merges_on_the_theme_page(client, pm):
    a = make_post(title=CAMERA).theme
    b = make_post(title="Battery drains overnight while idle").theme
    client.force_login(pm)
    response = client.post(f"/themes/{b.pk}/merge/", {"into": a.pk})
    assert response["Location"] == a.get_absolute_url()
    b.refresh_from_db()
    assert b.merged_into_id == a.pk


def test_theme_list_page(client):
    make_post(title=CAMERA)
    assert CAMERA in client.get("/themes/").content.decode()


def _two_camera_themes(pm, capture):
    """Two themes of one problem, as a PM's split leaves them (the index hears of
    the split on commit)."""
    from feedback.services import triage

    first = make_post(title=CAMERA)
    second = make_post(title="The camera crashes every time night mode is on")
    make_post(title="Battery drains overnight while the phone is idle")
    assert first.theme_id == second.theme_id
    with capture(execute=True):
        other = triage.theme_split(theme=first.theme, post_ids=[second.pk], by=pm)
    return first.theme, other


def test_theme_page_offers_the_related_theme_to_merge(
    client, pm, django_capture_on_commit_callbacks
):
    theme, other = _two_camera_themes(pm, django_capture_on_commit_callbacks)
    page = client.get(theme.get_absolute_url()).content.decode()
    assert "Themes that may be the same problem" in page
    assert f"#{other.pk} {other.title}" in page
    assert "Merge it into this theme" not in page  # fans only see the link
    client.force_login(pm)
    page = client.get(theme.get_absolute_url()).content.decode()
    assert f'action="/themes/{other.pk}/merge/"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/themes/{other.pk}/merge/", {"into": theme.pk})
    assert response["Location"] == theme.get_absolute_url()
    page = client.get(theme.get_absolute_url()).content.decode()
    assert (
        f'action="/themes/{other.pk}/merge/"' not in page
    )  # merged: no longer offered


def test_theme_page_query_count_with_related_themes(
    client, pm, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    theme, _other = _two_camera_themes(pm, django_capture_on_commit_callbacks)
    client.force_login(pm)
    client.get(theme.get_absolute_url())  # warm the index
    # 13 whatever the theme's size (next test): the posts' keys, devices and
    # versions in one query, one page of posts, and one index freshness check.
    with django_assert_max_num_queries(13):
        assert client.get(theme.get_absolute_url()).status_code == 200


CAMERA_POSTS = [
    CAMERA,
    "The camera crashes every time night mode is on",
    "Night mode makes the camera app crash",
    "Camera closes itself in night mode",
    "Crash when I open the camera in night mode",
]


def _camera_theme(n: int):
    posts = [make_post(title=title) for title in CAMERA_POSTS[:n]]
    assert len({p.theme_id for p in posts}) == 1
    return posts[0].theme, posts


def test_theme_page_lists_posts_a_page_at_a_time_most_similar_first(
    client, monkeypatch
):
    """A popular theme's page shows one page of its posts with each one's
    similarity to the theme, best first; the next pages hold the rest."""
    monkeypatch.setattr("feedback.services.themes.THEME_PAGE_POSTS", 2)
    theme, posts = _camera_theme(5)
    pages = [client.get(theme.get_absolute_url(), {"page": n}) for n in (1, 2, 3)]
    assert "Page 1 of 3" in pages[0].content.decode()
    listed = [p for response in pages for p in response.context["posts"]]
    assert [p.pk for p in listed[:2]] == [p.pk for p in pages[0].context["posts"]]
    assert sorted(p.pk for p in listed) == sorted(p.pk for p in posts)
    sims = [p.theme_similarity for p in listed]
    assert sims == sorted(sims, reverse=True) and all(0 < s <= 1 for s in sims)
    html = pages[0].content.decode()
    assert f"{sims[0]:.2f}" in html
    # The first report is marked on whichever page it is listed.
    holder = next(r for r in pages if posts[0] in r.context["posts"])
    assert "first report" in holder.content.decode()
    assert "Confidence:" in html and pages[0].context["why"]["confidence"] > 0


def test_theme_page_queries_do_not_grow_with_its_posts(
    client, pm, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr("feedback.services.themes.THEME_PAGE_POSTS", 2)
    theme, _posts = _camera_theme(5)
    client.force_login(pm)
    client.get(theme.get_absolute_url())  # warm the index
    with django_assert_max_num_queries(13):
        assert client.get(theme.get_absolute_url()).status_code == 200


def test_a_refused_reply_on_a_pain_point_shows_its_page_again(
    fan_client, fan, settings
):
    settings.FANLOOP_RATE_REPLY = "1/m"
    post = make_post(title=CAMERA, device_model="Xiaomi 14")
    url = f"/t/{post.pk}/reply/"
    assert fan_client.post(url, {"body": "Same here"}).status_code == 302
    response = fan_client.post(url, {"body": "Same on my Mi 14, keep this"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "keep this" in page  # the reply's text is kept
    assert "Xiaomi 14" in page and f'action="/p/{post.pk}/vote/"' in page
