import json

import pytest

from community.services.fans import badge_grant, token_issue
from tests.factories.community import BoardFactory

pytestmark = pytest.mark.django_db


def test_boards_are_public(client):
    BoardFactory(name="Camera", slug="camera")
    response = client.get("/api/v1/boards")
    assert response.status_code == 200
    assert response.json()[0]["slug"] == "camera"


def test_me_needs_authentication_with_json_detail(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_me_with_bearer_token(client, fan):
    badge_grant(fan_id=fan.pk, slug="first-fix", name="First fix")
    token = token_issue(fan=fan)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    data = response.json()
    assert data["username"] == "fan1"
    assert data["display_name"] == "Fan One"
    assert data["badges"] == [{"slug": "first-fix", "name": "First fix"}]
    assert data["level"] == 1


def test_bad_token_is_401(client, fan):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer fl_nope")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_me_with_session(fan_client, fan):
    assert fan_client.get("/api/v1/me").json()["username"] == fan.username


def test_notifications_list(client, fan, other_fan):
    from tests.factories.community import make_reply, make_thread

    make_reply(thread=make_thread(author=fan), author=other_fan)
    token = token_issue(fan=fan)
    data = client.get(
        "/api/v1/notifications", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    assert data["unread"] == 1
    assert data["items"][0]["kind"] == "reply"


def test_unknown_endpoint_is_404(client):
    assert client.get("/api/v1/nope").status_code == 404


def test_bad_query_parameter_is_422_with_detail(client, fan):
    token = token_issue(fan=fan)
    response = client.get(
        "/api/v1/notifications?page=abc", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 422
    assert "page" in response.json()["detail"]


def test_openapi_schema_lists_endpoints(client):
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    assert "/api/v1/boards" in schema["paths"]
    assert "/api/v1/me" in schema["paths"]
