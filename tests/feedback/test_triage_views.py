import json

import pytest

from feedback.models import Theme
from tests.factories.feedback import make_post

pytestmark = pytest.mark.django_db

CAMERA = "Camera app crashes when I switch to night mode"


def action(client, **payload):
    return client.post(
        "/triage/action/", json.dumps(payload), content_type="application/json"
    )


@pytest.mark.parametrize("role", ["fan", "moderator", "editor"])
def test_non_pms_get_403_on_triage(client, role, request):
    client.force_login(request.getfixturevalue(role))
    theme = make_post(title=CAMERA).theme
    assert client.get("/triage/").status_code == 403
    for name, value in [
        ("status", "planned"),
        ("rename", "x"),
        ("plan", "1.0"),
        ("public_note", "x"),
        ("internal_note", "x"),
        ("merge", 1),
    ]:
        response = action(client, action=name, themes=[theme.pk], value=value)
        assert response.status_code == 403, name
    theme.refresh_from_db()
    assert theme.status == "new" and theme.title == CAMERA


def test_anonymous_is_redirected(client):
    assert client.get("/triage/").status_code == 403
    assert client.post("/triage/action/").status_code == 302


def test_pm_filters_and_acts_in_bulk(client, pm):
    a = make_post(title=CAMERA, device_model="Xiaomi 14").theme
    b = make_post(title="Battery drains overnight while idle", kind="complaint").theme
    client.force_login(pm)
    page = client.get("/triage/?device=xiaomi").content.decode()
    assert CAMERA in page and "Battery drains" not in page
    page = client.get("/triage/?kind=complaint").content.decode()
    assert "Battery drains" in page and CAMERA not in page
    response = action(client, action="plan", themes=[a.pk, b.pk], value="24.11.29")
    assert response.status_code == 200
    assert {t["status"] for t in response.json()["themes"]} == {"planned"}
    response = action(client, action="status", themes=[a.pk], value="shipped")
    assert response.json()["themes"][0]["status"] == "shipped"
    response = action(client, action="status", themes=[a.pk], value="bogus")
    assert response.status_code == 422 and response.json()["detail"]
    assert Theme.objects.get(pk=b.pk).target_version == "24.11.29"


def test_triage_query_count_is_constant(client, pm, django_assert_max_num_queries):
    client.force_login(pm)
    topics = ["camera", "battery", "wifi", "keyboard", "gallery", "alarm"]
    for i, topic in enumerate(topics):
        make_post(title=f"Distinct problem number {i} with the {topic}")
    with django_assert_max_num_queries(12):
        assert client.get("/triage/").status_code == 200


def test_roadmap_shows_columns(client, pm):
    theme = make_post(title=CAMERA).theme
    from feedback.services import triage

    triage.theme_set_status(theme=theme, status="in_progress", by=pm)
    page = client.get("/roadmap/").content.decode()
    assert "In progress" in page and CAMERA in page
