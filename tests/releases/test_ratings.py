import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from feedback.models import Theme
from feedback.selectors import triage_rows
from releases.models import ItemRating
from releases.services import item_rate, release_publish
from tests.factories.community import FanFactory
from tests.factories.releases import make_release, theme_with_posts

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(pm, fans):
    theme, _posts = theme_with_posts(*fans[:2])
    release = make_release(by=pm, themes=[theme])
    release_publish(release=release, by=pm)
    return release.items.select_related("release", "theme").get()


def test_one_rating_per_fan_and_item_which_can_change(item, fan):
    item_rate(item=item, fan=fan, value="good", comment="Works now")
    item_rate(item=item, fan=fan, value="bad")
    rating = ItemRating.objects.get()
    assert (rating.value, rating.comment) == ("bad", "Works now")
    item.refresh_from_db()
    assert (item.good_count, item.so_so_count, item.bad_count) == (0, 0, 1)


def test_bad_values_and_draft_releases_are_refused(item, fan, pm, fans):
    with pytest.raises(ValidationError):
        item_rate(item=item, fan=fan, value="meh")
    theme, _ = theme_with_posts(fans[3], title="Fingerprint unlock fails after update")
    draft = make_release(by=pm, themes=[theme], version="24.12.1")
    with pytest.raises(ValidationError):
        item_rate(item=draft.items.get(), fan=fan, value="good")
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        item_rate(item=item, fan=AnonymousUser(), value="good")


@override_settings(FANLOOP_REOPEN_MIN_RATINGS=20)
def test_theme_rated_mostly_bad_by_twenty_fans_is_flagged_on_triage(item):
    raters = [FanFactory() for _ in range(20)]
    for rater in raters[:10]:
        item_rate(item=item, fan=rater, value="bad")
    for rater in raters[10:19]:
        item_rate(item=item, fan=rater, value="good")
    theme = Theme.objects.get(pk=item.theme_id)
    assert not theme.reopen_suggested  # 19 ratings: not enough yet
    assert item.theme_id not in [t.pk for t in triage_rows()[0]]

    item_rate(item=item, fan=raters[19], value="bad")  # 11 bad of 20

    theme.refresh_from_db()
    assert theme.reopen_suggested
    assert theme.satisfaction == {"good": 9, "so_so": 0, "bad": 11}
    assert item.theme_id in [t.pk for t in triage_rows()[0]]


def test_rating_page_form_works_without_javascript(client, item, fan):
    client.force_login(fan)
    response = client.post(
        f"/changelog/items/{item.pk}/rate/", {"value": "so-so", "comment": "Better"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{item.pk}")
    assert ItemRating.objects.get(fan=fan).value == "so-so"
    page = client.get(item.release.page.url).content.decode()
    assert 'data-count="so_so">1<' in page
    assert 'aria-pressed="true"' in page


def test_rating_by_fetch_answers_json_with_the_distribution(client, item, fan):
    client.force_login(fan)
    response = client.post(
        f"/changelog/items/{item.pk}/rate/",
        {"value": "good"},
        headers={"accept": "application/json"},
    )
    assert response.json() == {"value": "good", "good": 1, "so_so": 0, "bad": 0}
    bad = client.post(
        f"/changelog/items/{item.pk}/rate/",
        {"value": "great"},
        headers={"accept": "application/json"},
    )
    assert bad.status_code == 422 and "good, so-so or bad" in bad.json()["detail"]


def test_anonymous_rating_goes_to_login(client, item):
    response = client.post(f"/changelog/items/{item.pk}/rate/", {"value": "good"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not ItemRating.objects.exists()


def test_anonymous_readers_see_new_ratings_despite_the_page_cache(
    client, item, fan, django_capture_on_commit_callbacks
):
    url = item.release.page.url
    assert 'data-count="good">0<' in client.get(url).content.decode()
    assert "Log in to rate this change" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        item_rate(item=item, fan=fan, value="good")
    assert 'data-count="good">1<' in client.get(url).content.decode()
