import pytest
from django.conf import settings

from community.models import Fan, FanBadge, Notification, ReputationEntry
from feedback.services.votes import vote_cast
from releases.services import release_publish
from tests.factories.community import FanFactory
from tests.factories.releases import make_release, theme_with_posts

pytestmark = pytest.mark.django_db


def _reputation(fan):
    return Fan.objects.get(pk=fan.pk).reputation


def test_publishing_awards_reputation_once_per_fan_and_role(pm, fans):
    weights = settings.FANLOOP_CREDIT_REPUTATION
    theme, posts = theme_with_posts(fans[0], fans[1])
    other, other_posts = theme_with_posts(
        fans[2], title="Fingerprint unlock fails after the update"
    )
    vote_cast(fan=fans[3], post=posts[0])
    vote_cast(fan=fans[3], post=other_posts[0])  # voter on two items of one release
    before = [_reputation(f) for f in fans]
    release = make_release(by=pm, themes=[theme, other])

    release_publish(release=release, by=pm)
    release_publish(release=release, by=pm)  # again: nothing more

    gained = [_reputation(f) - b for f, b in zip(fans, before, strict=True)]
    assert gained == [
        weights["first_reporter"],
        weights["reporter"],
        weights["first_reporter"],
        weights["voter"],
    ]
    assert ReputationEntry.objects.filter(fan=fans[3]).count() == 1


def test_first_credit_grants_a_badge_once(pm, fans):
    theme, _posts = theme_with_posts(fans[0])
    release_publish(release=make_release(by=pm, themes=[theme]), by=pm)
    later, _ = theme_with_posts(fans[0], title="Fingerprint unlock fails after update")
    release_publish(
        release=make_release(by=pm, themes=[later], version="24.11.29"), by=pm
    )
    assert FanBadge.objects.filter(fan=fans[0], badge__slug="heard").count() == 1


def test_every_credited_fan_and_voter_is_notified_once(pm, fans):
    theme, posts = theme_with_posts(fans[0], fans[1])
    voters = [FanFactory() for _ in range(5)]
    for voter in voters:
        vote_cast(fan=voter, post=posts[1])
    bystander = FanFactory()
    release = make_release(by=pm, themes=[theme], version="24.11.22")

    page = release_publish(release=release, by=pm)
    release_publish(release=release, by=pm)

    reports = Notification.objects.filter(kind="release_credit")
    assert sorted(reports.values_list("recipient_id", flat=True)) == sorted(
        [fans[0].pk, fans[1].pk]
    )
    assert all("24.11.22" in n.text and "Fixed for you?" in n.text for n in reports)
    item = release.items.get()
    assert all(n.url == f"{page.url}#item-{item.pk}" for n in reports)
    votes = Notification.objects.filter(kind="release_vote")
    assert sorted(votes.values_list("recipient_id", flat=True)) == sorted(
        v.pk for v in voters
    )
    assert not Notification.objects.filter(recipient=bystander).exists()


def test_only_pms_can_publish(fan, pm, fans):
    from django.core.exceptions import PermissionDenied

    theme, _posts = theme_with_posts(fans[0])
    release = make_release(by=pm, themes=[theme])
    with pytest.raises(PermissionDenied):
        release_publish(release=release, by=fan)
    assert not Notification.objects.filter(kind__startswith="release").exists()


def test_a_voter_of_several_items_gets_one_notification_for_the_release(pm, fans):
    first, first_posts = theme_with_posts(fans[0])
    second, second_posts = theme_with_posts(
        fans[1], title="Fingerprint unlock fails after the update"
    )
    voter = FanFactory()
    vote_cast(fan=voter, post=first_posts[0])
    vote_cast(fan=voter, post=second_posts[0])
    release = make_release(by=pm, themes=[first, second], version="24.11.22")

    release_publish(release=release, by=pm)
    release_publish(release=release, by=pm)

    [note] = Notification.objects.filter(recipient=voter)
    assert note.text == "2 changes you voted for shipped in 24.11.22."
