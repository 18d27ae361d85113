import datetime as dt

import pytest
from django.utils import timezone

from community.models import Notification
from feedback.models import PainPoint, Theme
from feedback.services.triage import theme_merge
from feedback.services.votes import vote_cast
from releases.models import Credit, Release
from releases.services import release_publish
from tests.factories.community import FanFactory
from tests.factories.feedback import make_post
from tests.factories.releases import make_release, theme_with_posts

pytestmark = pytest.mark.django_db


def _roles(item):
    return {c.fan.username: c.role for c in item.credits.select_related("fan")}


def test_publish_credits_first_reporter_reporters_and_voters(pm, fans):
    theme, posts = theme_with_posts(*fans[:3])
    voter = FanFactory(username="voter")
    vote_cast(fan=voter, post=posts[0])
    vote_cast(fan=fans[1], post=posts[0])  # a reporter who also voted: one credit
    release = make_release(by=pm, themes=[theme])

    release_publish(release=release, by=pm)

    item = release.items.get()
    assert _roles(item) == {
        "reporter0": Credit.Role.FIRST_REPORTER,
        "reporter1": Credit.Role.REPORTER,
        "reporter2": Credit.Role.REPORTER,
        "voter": Credit.Role.VOTER,
    }
    item.refresh_from_db()
    assert (item.fan_count, item.voter_count) == (4, 1)
    release.refresh_from_db()
    assert release.status == Release.Status.PUBLISHED
    assert Theme.objects.get(pk=theme.pk).status == Theme.Status.SHIPPED


def test_first_reporter_is_oldest_post_after_a_merge(pm, fans):
    newer = make_post(title="Battery drains overnight in standby", author=fans[0])
    older = make_post(title="Bluetooth headphones disconnect often", author=fans[1])
    # The second theme's post is the older report: it predates the first theme's.
    PainPoint.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - dt.timedelta(days=30)
    )
    assert newer.theme_id != older.theme_id
    theme_merge(source=older.theme, into=newer.theme, by=pm)
    release = make_release(by=pm, themes=[newer.theme])

    release_publish(release=release, by=pm)

    assert _roles(release.items.get()) == {
        "reporter1": Credit.Role.FIRST_REPORTER,
        "reporter0": Credit.Role.REPORTER,
    }


def test_release_of_a_merged_theme_credits_its_survivor(pm, fans):
    a = make_post(title="Battery drains overnight in standby", author=fans[0])
    b = make_post(title="Bluetooth headphones disconnect often", author=fans[1])
    theme_merge(source=b.theme, into=a.theme, by=pm)
    release = make_release(by=pm, themes=[b.theme])
    assert release.items.get().theme_id == a.theme_id


def test_opted_out_fan_is_named_a_fan_without_a_link(pm, fans, client):
    fans[1].credit_opt_out = True
    fans[1].save(update_fields=["credit_opt_out"])
    theme, _posts = theme_with_posts(fans[0], fans[1])
    release = make_release(by=pm, themes=[theme])
    page = release_publish(release=release, by=pm)

    html = client.get(page.url).content.decode()

    assert fans[0].public_name in html
    assert f'href="{fans[0].get_absolute_url()}"' in html
    assert fans[1].username not in html
    assert fans[1].get_absolute_url() not in html
    assert "a fan" in html


def test_republishing_never_duplicates_credits_or_notifications(pm, fans):
    theme, posts = theme_with_posts(fans[0], fans[1])
    vote_cast(fan=fans[2], post=posts[0])
    release = make_release(by=pm, themes=[theme])
    release_publish(release=release, by=pm)
    counts = (
        Credit.objects.count(),
        Notification.objects.filter(kind__startswith="release").count(),
    )
    first_published = Release.objects.get(pk=release.pk).published_at

    vote_cast(fan=fans[3], post=posts[1])  # a new voter before the second publish
    release_publish(release=release, by=pm)

    assert Credit.objects.count() == counts[0] + 1
    assert (
        Notification.objects.filter(kind__startswith="release").count() == counts[1] + 1
    )
    assert Release.objects.get(pk=release.pk).published_at == first_published
    assert release.items.get().credits.filter(fan=fans[3], role="voter").exists()
