"""The demo forum's pain points: fields that agree with what their posts say."""

import pytest
from django.core.management import call_command

from community.demo_data import DEVICES, OS_VERSIONS
from community.models import Thread
from feedback.models import PainPoint

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_demo_pain_points_take_device_and_version_from_their_text():
    call_command("seed_demo", "--fans", "10", "--threads", "80", "--replies", "40")
    call_command("seed_feedback", "--votes", "50")
    posts = list(PainPoint.objects.select_related("thread"))
    assert posts and all(p.theme_id for p in posts)
    # Pinned threads are the staff's posting guides, not pain points.
    assert Thread.objects.filter(is_pinned=True).exists()
    assert not PainPoint.objects.filter(thread__is_pinned=True).exists()
    stated = 0
    for post in posts:
        body = post.thread.body
        named = [d for d in DEVICES if d in body]
        if named:
            stated += 1
            assert post.device_model in named, (post.device_model, body)
        versions = [v for v in OS_VERSIONS if v in body]
        if versions:
            assert post.os_version in versions, (post.os_version, body)
        if "every time" in body or "每次都会" in body or "每次都會" in body:
            assert post.reproducibility == "always"
    assert stated >= len(posts) // 2  # most demo posts name their phone
