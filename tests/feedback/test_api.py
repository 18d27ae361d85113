import json

import pytest

from community.services.fans import token_issue
from feedback.models import PainPoint, Theme
from tests.factories.community import FanFactory
from tests.factories.feedback import feedback_board, make_post

pytestmark = pytest.mark.django_db

CAMERA = "Camera app crashes when I switch to night mode"


def bearer(fan):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_issue(fan=fan)}"}


def post_json(client, url, data, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def test_create_post_returns_201_with_theme(client, fan):
    feedback_board()
    response = post_json(
        client,
        "/api/v1/posts",
        {
            "board": "camera",
            "kind": "bug",
            "title": CAMERA,
            "body": "Every time.",
            "device_model": "Xiaomi 14",
            "os_version": "OS 2.0.5",
        },
        **bearer(fan),
    )
    assert response.status_code == 201, response.content
    data = response.json()
    post = PainPoint.objects.get(pk=data["id"])
    assert data["theme"] == post.theme_id is not None
    assert data["device_model"] == "Xiaomi 14"


def test_create_post_needs_auth(client):
    feedback_board()
    response = post_json(
        client,
        "/api/v1/posts",
        {"board": "camera", "kind": "bug", "title": CAMERA, "body": "x"},
    )
    assert response.status_code == 401
    assert response.json()["detail"]


def test_create_post_invalid_input_is_422(client, fan):
    feedback_board()
    headers = bearer(fan)
    bad_kind = post_json(
        client,
        "/api/v1/posts",
        {"board": "camera", "kind": "rant", "title": CAMERA, "body": "x"},
        **headers,
    )
    assert bad_kind.status_code == 422
    assert "kind" in bad_kind.json()["detail"]
    bad_board = post_json(
        client,
        "/api/v1/posts",
        {"board": "nope", "kind": "bug", "title": CAMERA, "body": "x"},
        **headers,
    )
    assert bad_board.status_code == 422
    assert "board" in bad_board.json()["detail"].lower()


def test_vote_put_and_delete(client, fan):
    post = make_post(title=CAMERA)
    headers = bearer(fan)
    response = client.put(f"/api/v1/posts/{post.pk}/vote", **headers)
    assert response.json()["votes"] == 1
    assert client.put(f"/api/v1/posts/{post.pk}/vote", **headers).json()["votes"] == 1
    response = client.delete(f"/api/v1/posts/{post.pk}/vote", **headers)
    assert response.json() == {**response.json(), "voted": False, "votes": 0}
    assert client.put("/api/v1/posts/999999/vote", **headers).status_code == 404


def test_similar_returns_best_first(client):
    post = make_post(title=CAMERA)
    make_post(title="Battery drains 30 percent overnight while idle")
    data = client.get("/api/v1/similar", {"text": "camera crash in night mode"}).json()
    assert 1 <= len(data) <= 5
    assert data[0]["post"] == post.pk
    assert data[0]["theme"] == post.theme_id
    assert data[0]["score"] >= data[-1]["score"]
    assert client.get("/api/v1/similar?text=").json() == []


def test_similar_is_rate_limited_per_fan_or_address(client, settings):
    settings.FANLOOP_RATE_SIMILAR = "2/m"
    make_post(title=CAMERA)
    for text in ("camera crash", "camera crashes at night"):
        assert client.get("/api/v1/similar", {"text": text}).status_code == 200
    response = client.get("/api/v1/similar", {"text": "night mode crash"})
    assert response.status_code == 429
    assert "Too many suggestion requests" in response.json()["detail"]
    # Text too short to search costs nothing and is not counted or refused.
    assert client.get("/api/v1/similar", {"text": "ab"}).json() == []


def test_similar_per_theme_gives_one_post_a_theme(client):
    make_post(title=CAMERA)
    make_post(title="The camera crashes every time night mode is on")
    text = {"text": "camera crash in night mode"}
    every = client.get("/api/v1/similar", text).json()
    one = client.get("/api/v1/similar", {**text, "per_theme": "true"}).json()
    assert len({d["theme"] for d in every}) < len(every)
    assert len({d["theme"] for d in one}) == len(one)
    assert one[0]["theme_posts"] == 2 and one[0]["voted"] is False
    assert client.get("/api/v1/similar", {**text, "per_theme": "x"}).status_code == 422


def test_theme_list_and_detail(client):
    post = make_post(title=CAMERA)
    listing = client.get("/api/v1/themes").json()
    assert listing["count"] == 1
    detail = client.get(f"/api/v1/themes/{post.theme_id}").json()
    assert detail["posts"][0]["id"] == post.pk
    breakdown = detail["score_breakdown"]
    parts = breakdown["fans"] + breakdown["severity"] + breakdown["spread"]
    assert abs(parts - breakdown["total"]) < 0.01
    assert client.get("/api/v1/themes/999999").status_code == 404
    assert client.get("/api/v1/themes?status=bogus").status_code == 422


def test_theme_detail_gives_its_posts_a_page_at_a_time(client, monkeypatch):
    monkeypatch.setattr("feedback.services.themes.THEME_PAGE_POSTS", 2)
    titles = [
        CAMERA,
        "The camera crashes every time night mode is on",
        "Night mode makes the camera app crash",
    ]
    posts = [make_post(title=t) for t in titles]
    url = f"/api/v1/themes/{posts[0].theme_id}"
    first = client.get(url).json()
    assert (first["posts_page"], first["posts_pages"], first["post_count"]) == (1, 2, 3)
    second = client.get(url, {"page": 2}).json()
    ids = [p["id"] for p in first["posts"] + second["posts"]]
    assert sorted(ids) == sorted(p.pk for p in posts)
    assert client.get(url, {"page": "x"}).status_code == 422


def patch_json(client, url, data, **extra):
    return client.patch(url, json.dumps(data), content_type="application/json", **extra)


def test_author_patches_a_post_and_others_cannot(client, fan, other_fan, moderator):
    post = make_post(title=CAMERA, author=fan, severity=2, device_model="Xiaomi 14")
    url = f"/api/v1/posts/{post.pk}"
    assert client.get(url).json()["edited_at"] is None
    response = patch_json(
        client,
        url,
        {"severity": 4, "os_version": "OS 2.0.3", "steps": "1. open camera"},
        **bearer(fan),
    )
    assert response.status_code == 200
    data = response.json()
    assert (data["severity"], data["os_version"], data["device_model"]) == (
        4,
        "OS 2.0.3",
        "Xiaomi 14",
    )
    assert data["title"] == CAMERA and data["steps"] == "1. open camera"
    assert data["edited_at"] is not None
    response = patch_json(client, url, {"title": "Hijacked"}, **bearer(other_fan))
    assert response.status_code == 403 and response.json()["detail"]
    assert (
        patch_json(
            client, url, {"title": "Tidied by a moderator"}, **bearer(moderator)
        ).status_code
        == 200
    )
    assert patch_json(client, url, {"title": "x"}).status_code == 401


def test_a_bad_patch_is_422_with_a_reason(client, fan):
    post = make_post(title=CAMERA, author=fan)
    url = f"/api/v1/posts/{post.pk}"
    for bad, word in (
        ({"title": "ab"}, "title"),
        ({"body": "  "}, "body"),
        ({"severity": 9}, "severity"),
        ({"title": None}, "null"),
        ({"kind": "rant"}, "kind"),
    ):
        response = patch_json(client, url, bad, **bearer(fan))
        assert response.status_code == 422, bad
        assert word in json.dumps(response.json()), bad
    assert (
        patch_json(client, "/api/v1/posts/999999", {}, **bearer(fan)).status_code == 404
    )


def test_fan_cannot_patch_or_merge_themes(client, fan):
    a = make_post(title=CAMERA).theme
    b = make_post(title="Battery drains 30 percent overnight while idle").theme
    headers = bearer(fan)
    response = client.patch(
        f"/api/v1/themes/{a.pk}",
        json.dumps({"title": "x"}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 403
    assert response.json()["detail"]
    response = post_json(
        client, f"/api/v1/themes/{b.pk}/merge", {"into": a.pk}, **headers
    )
    assert response.status_code == 403


def test_pm_patches_and_merges(client, pm):
    a = make_post(title=CAMERA).theme
    b = make_post(title="Battery drains 30 percent overnight while idle").theme
    headers = bearer(pm)
    response = client.patch(
        f"/api/v1/themes/{a.pk}",
        json.dumps(
            {
                "title": "Night mode crash",
                "status": "planned",
                "public_note": "Fix coming",
            }
        ),
        content_type="application/json",
        **headers,
    )
    assert response.json()["status"] == "planned"
    assert response.json()["title"] == "Night mode crash"
    response = post_json(
        client, f"/api/v1/themes/{b.pk}/merge", {"into": a.pk}, **headers
    )
    assert response.status_code == 200
    assert response.json()["post_count"] == 2
    assert Theme.objects.get(pk=b.pk).status == "duplicate"
    again = post_json(client, f"/api/v1/themes/{b.pk}/merge", {"into": a.pk}, **headers)
    assert again.status_code == 422


def test_posts_filter_by_theme_and_kind(client):
    post = make_post(title=CAMERA, kind="complaint")
    make_post(title="Add a dark mode to the gallery", kind="suggestion")
    data = client.get("/api/v1/posts", {"kind": "complaint"}).json()
    assert [p["id"] for p in data["items"]] == [post.pk]
    data = client.get("/api/v1/posts", {"theme": post.theme_id}).json()
    assert data["count"] == 1
    assert client.get(f"/api/v1/posts/{post.pk}").json()["title"] == CAMERA
    FanFactory()


def test_theme_detail_lists_related_themes(
    client, pm, django_capture_on_commit_callbacks
):
    from feedback.services import triage

    first = make_post(title="Camera app crashes when I switch to night mode")
    second = make_post(title="The camera crashes every time night mode is on")
    make_post(title="Battery drains overnight while the phone is idle")
    with django_capture_on_commit_callbacks(execute=True):
        other = triage.theme_split(theme=first.theme, post_ids=[second.pk], by=pm)
    data = client.get(f"/api/v1/themes/{first.theme_id}").json()
    assert [r["id"] for r in data["related"]] == [other.pk]
    assert data["related"][0]["language"] == "en"
    assert data["related"][0]["score"] >= 0.4
    assert data["related"][0]["url"] == other.get_absolute_url()


def test_backlog_gives_its_entries_a_window_at_a_time(client):
    from datetime import timedelta

    from django.utils import timezone

    from feedback.services.backlog import backlog_build
    from feedback.week import last_closed_week

    titles = [
        CAMERA,
        "Battery drains overnight while idle",
        "Wi-Fi keeps dropping the connection at home",
    ]
    posts = [make_post(title=t, severity=4 - i) for i, t in enumerate(titles)]
    assert len({p.theme_id for p in posts}) == 3
    PainPoint.objects.update(created_at=timezone.now() - timedelta(days=10))
    week = last_closed_week()
    backlog_build(week=week)
    url = f"/api/v1/backlogs/{week}"
    whole = client.get(url).json()
    assert whole["entry_count"] == 3
    assert [e["rank"] for e in whole["entries"]] == [1, 2, 3]
    first = client.get(url, {"limit": 2}).json()
    rest = client.get(url, {"limit": 2, "offset": 2}).json()
    assert [e["theme"] for e in first["entries"] + rest["entries"]] == [
        e["theme"] for e in whole["entries"]
    ]
    assert client.get(url, {"limit": 0}).status_code == 422
    assert client.get(url, {"offset": -1}).status_code == 422
    assert client.get("/api/v1/backlogs/2026-W99").status_code == 422
    assert client.get("/api/v1/backlogs/2001-W01").status_code == 404


def test_post_and_theme_lists_read_only_the_page_asked_for(
    client, django_assert_max_num_queries
):
    for title in (CAMERA, "Battery drains overnight while idle", "Wi-Fi drops"):
        make_post(title=title)
    with django_assert_max_num_queries(3) as captured:
        page = client.get("/api/v1/posts", {"limit": 2, "offset": 1}).json()
    assert page["count"] == 3 and len(page["items"]) == 2
    reads = [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "feedback_painpoint"' in q["sql"] and "COUNT(" not in q["sql"]
    ]
    assert reads and all("LIMIT 2" in sql for sql in reads), reads
    themes = client.get("/api/v1/themes", {"limit": 1}).json()
    assert themes["count"] >= 2 and len(themes["items"]) == 1


def test_creating_a_post_takes_a_bounded_number_of_queries(
    client, fan, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """The hot write path: token, board, thread and its counters, the pain point,
    the index's new keys, a new theme and its first event, the recount (and here
    the test transaction's savepoint and release). The answer is built from the
    objects just written, and it is what reading the post back gives."""
    feedback_board()
    with django_capture_on_commit_callbacks(execute=True):  # indexed on commit
        post_json(
            client,
            "/api/v1/posts",
            {"board": "camera", "kind": "bug", "title": CAMERA, "body": "Every time."},
            **bearer(fan),
        )
    headers = bearer(fan)
    with django_assert_max_num_queries(16) as captured:
        response = post_json(
            client,
            "/api/v1/posts",
            {
                "board": "camera",
                "kind": "bug",
                "title": "Night mode photos are blurry",
                "body": "Since the update.",
            },
            **headers,
        )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created == client.get(f"/api/v1/posts/{created['id']}").json()
    assert created["theme"] and created["author"] == fan.username
    sqls = [q["sql"] for q in captured.captured_queries]
    # A thread just created has no pain point yet: its theme is not looked up.
    assert not any(
        'FROM "feedback_painpoint"' in sql
        and '"thread_id" = ' in sql
        and '"theme_id" AS' in sql
        for sql in sqls
    ), sqls


def test_a_vote_reads_the_counts_once_for_viewers_and_once_for_its_answer(
    client,
    fan,
    other_fan,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    post = make_post(title=CAMERA, author=other_fan)
    headers = bearer(fan)
    with (
        django_capture_on_commit_callbacks(execute=True),  # the live update too
        django_assert_max_num_queries(13) as captured,
    ):
        response = client.put(f"/api/v1/posts/{post.pk}/vote", **headers)
    assert response.json() == {
        "post": post.pk,
        "voted": True,
        "votes": 1,
        "theme": {
            "id": post.theme_id,
            "vote_count": 1,
            "fan_count": 2,
            "post_count": 1,
        },
    }
    theme_reads = [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "feedback_theme"' in q["sql"]
    ]
    assert not theme_reads, theme_reads  # the counts come joined to the post


def test_list_filters_and_page_sizes_out_of_range_are_422_with_a_reason(client):
    make_post(title=CAMERA)
    too_many = "less than or equal to 500"
    for url, bad, reason in [
        ("/api/v1/themes", {"ordering": "password"}, "ordering: one of -score"),
        ("/api/v1/posts", {"kind": "feature"}, "kind: one of bug"),
        ("/api/v1/themes", {"limit": 501}, too_many),
        ("/api/v1/posts", {"limit": 100000}, too_many),
        ("/api/v1/releases", {"limit": 501}, too_many),
    ]:
        response = client.get(url, bad)
        assert response.status_code == 422, (url, bad)
        assert reason in str(response.json()), response.json()
    assert client.get("/api/v1/themes", {"ordering": "-fan_count"}).json()["count"] == 1
    assert (
        client.get("/api/v1/posts", {"kind": "bug", "limit": 500}).json()["count"] == 1
    )


def test_a_post_longer_than_the_form_allows_is_422_naming_the_field(client, fan):
    """The API keeps the form's limits: nothing is cut short in silence (a device
    of 500 characters was stored as its first 80) or stored at any length."""
    feedback_board()
    base = {"board": "camera", "kind": "bug", "title": CAMERA, "body": "Every time."}
    for field, size in [
        ("body", 20_001),
        ("steps", 5001),
        ("expected", 2001),
        ("actual", 2001),
        ("device_model", 81),
        ("os_version", 41),
    ]:
        response = post_json(
            client, "/api/v1/posts", {**base, field: "x" * size}, **bearer(fan)
        )
        assert response.status_code == 422, field
        assert field in json.dumps(response.json()), response.json()
        assert "at most" in json.dumps(response.json()), response.json()
    assert not PainPoint.objects.exists()
    post = make_post(title=CAMERA, author=fan)
    response = patch_json(
        client, f"/api/v1/posts/{post.pk}", {"steps": "x" * 5001}, **bearer(fan)
    )
    assert response.status_code == 422 and "steps" in json.dumps(response.json())
    at_limit = {**base, "steps": "s" * 5000, "device_model": "d" * 80}
    response = post_json(client, "/api/v1/posts", at_limit, **bearer(fan))
    assert response.status_code == 201
    assert response.json()["device_model"] == "d" * 80
