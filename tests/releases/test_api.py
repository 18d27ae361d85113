import pytest

from community.models import Fan
from community.services.fans import token_issue
from feedback.services.votes import vote_cast
from releases.models import Release
from tests.factories.releases import make_release, theme_with_posts

pytestmark = pytest.mark.django_db


def bearer(fan):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_issue(fan=fan)}"}


@pytest.fixture
def themes(fans):
    first, posts = theme_with_posts(fans[0], fans[1])
    vote_cast(fan=fans[2], post=posts[0])
    second, _ = theme_with_posts(fans[3], title="Fingerprint unlock fails after update")
    return first, second


def test_pm_creates_and_publishes_a_release_through_the_api(client, pm, themes, fans):
    payload = {
        "version": "24.11.22",
        "channel": "beta",
        "themes": [
            themes[0].pk,
            {"theme": themes[1].pk, "kind": "feature", "summary_zh": "指纹解锁修复"},
        ],
    }
    created = client.post(
        "/api/v1/releases", payload, content_type="application/json", **bearer(pm)
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["url"] is None
    assert [i["kind"] for i in body["items"]] == ["fix", "feature"]

    published = client.post("/api/v1/releases/24.11.22/publish", **bearer(pm))
    assert published.status_code == 200
    body = published.json()
    assert body["url"] == "/changelog/24-11-22/"
    first = body["items"][0]
    assert first["theme"]["id"] == themes[0].pk
    assert first["theme"]["status"] == "shipped"
    assert first["credits"][0] == {
        "name": fans[0].public_name,
        "username": fans[0].username,
        "role": "first_reporter",
    }
    assert first["voter_count"] == 1 and first["fan_count"] == 3

    listed = client.get("/api/v1/releases").json()
    assert listed["items"][0]["version"] == "24.11.22"
    assert listed["items"][0]["item_count"] == 2
    assert client.get("/api/v1/releases/24.11.22").json()["items"][1]["summary_zh"]


def test_fans_cannot_create_or_publish(client, fan, pm, themes):
    payload = {"version": "24.11.22", "themes": [themes[0].pk]}
    denied = client.post(
        "/api/v1/releases", payload, content_type="application/json", **bearer(fan)
    )
    assert denied.status_code == 403 and denied.json()["detail"]
    make_release(by=pm, themes=[themes[0]])
    assert (
        client.post("/api/v1/releases/24.11.22/publish", **bearer(fan)).status_code
        == 403
    )
    assert client.post("/api/v1/releases/24.11.22/publish").status_code == 401
    assert Release.objects.get().status == "draft"


def test_drafts_are_hidden_from_fans(client, fan, pm, themes):
    make_release(by=pm, themes=[themes[0]])
    assert client.get("/api/v1/releases/24.11.22").status_code == 404
    assert client.get("/api/v1/releases").json()["items"] == []
    assert client.get("/api/v1/releases/24.11.22", **bearer(pm)).status_code == 200


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"version": "bad version!"}, "letters, digits"),
        ({"version": "24.11.22", "themes": []}, "at least one theme"),
        ({"version": "24.11.22", "themes": [999999]}, "no theme 999999"),
        ({"version": "24.11.22", "channel": "nightly"}, "channel"),
    ],
)
def test_bad_release_input_gets_a_reason(client, pm, themes, payload, message):
    payload = {"themes": [themes[0].pk], **payload}
    response = client.post(
        "/api/v1/releases", payload, content_type="application/json", **bearer(pm)
    )
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_fan_rates_an_item_through_the_api(client, fan, pm, themes):
    from releases.services import release_publish

    release = make_release(by=pm, themes=[themes[0]])
    release_publish(release=release, by=pm)
    item = release.items.get()
    url = f"/api/v1/releases/24.11.22/items/{item.pk}/rating"
    auth = bearer(fan)
    first = client.put(url, {"value": "so-so"}, content_type="application/json", **auth)
    assert first.status_code == 200
    again = client.put(
        url,
        {"value": "good", "comment": "Fixed!"},
        content_type="application/json",
        **auth,
    )
    assert again.json() == {
        "item": item.pk,
        "value": "good",
        "comment": "Fixed!",
        "ratings": {"good": 1, "so_so": 0, "bad": 0},
    }
    wrong = client.put(url, {"value": "meh"}, content_type="application/json", **auth)
    assert wrong.status_code == 422
    long = {"value": "bad", "comment": "x" * 501}
    too_long = client.put(url, long, content_type="application/json", **auth)
    assert too_long.status_code == 422
    assert "comment" in str(too_long.json()) and "500" in str(too_long.json())
    anonymous = client.put(url, {"value": "good"}, content_type="application/json")
    assert anonymous.status_code == 401
    other = client.put(
        f"/api/v1/releases/9.9/items/{item.pk}/rating",
        {"value": "good"},
        content_type="application/json",
        **auth,
    )
    assert other.status_code == 404
    assert Fan.objects.get(pk=fan.pk).ratings.count() == 1
