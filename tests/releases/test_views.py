import pytest

from community.models import Fan
from feedback.services.triage import theme_plan
from feedback.services.votes import vote_cast
from releases.models import Release
from releases.services import release_publish
from tests.factories.community import FanFactory
from tests.factories.releases import make_release, theme_with_posts

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(pm, fans):
    theme, posts = theme_with_posts(fans[0], fans[1])
    theme_plan(theme=theme, version="24.11.22", by=pm)
    other, _ = theme_with_posts(fans[2], title="Fingerprint unlock fails after update")
    theme_plan(theme=other, version="24.12.6", by=pm)
    return theme, other


def test_planning_screen_proposes_the_versions_themes_first(client, pm, planned):
    client.force_login(pm)
    html = client.get("/releases/plan/?version=24.11.22").content.decode()
    theme, other = planned
    assert html.index(f'data-theme="{theme.pk}"') < html.index(
        f'data-theme="{other.pk}"'
    )
    assert f'name="themes" value="{theme.pk}" aria-label' in html


def test_triage_screen_links_to_release_planning(client, pm, planned):
    client.force_login(pm)
    assert 'href="/releases/plan/"' in client.get("/triage/").content.decode()


def test_pm_creates_then_publishes_a_release_from_the_screens(client, pm, planned):
    client.force_login(pm)
    theme, _other = planned
    response = client.post(
        "/releases/plan/",
        {
            "version": "24.11.22",
            "channel": "stable",
            "themes": [theme.pk],
            f"kind_{theme.pk}": "fix",
            f"en_{theme.pk}": "Camera no longer crashes",
            f"zh_{theme.pk}": "相机不再崩溃",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/releases/24.11.22/"
    item = Release.objects.get().items.get()
    assert (item.summary_en, item.summary_zh) == (
        "Camera no longer crashes",
        "相机不再崩溃",
    )

    published = client.post("/releases/24.11.22/publish/", follow=True)
    assert "/changelog/24-11-22/" in published.content.decode()
    page = client.get("/changelog/24-11-22/").content.decode()
    assert "Camera no longer crashes" in page
    zh = client.get("/changelog/24-11-22/", headers={"accept-language": "zh-hans"})
    assert "相机不再崩溃" in zh.content.decode()


def test_bad_planning_input_keeps_what_the_pm_typed(client, pm, planned):
    client.force_login(pm)
    theme, _other = planned
    response = client.post(
        "/releases/plan/",
        {
            "version": "not a version!",
            "channel": "stable",
            "themes": [theme.pk],
            f"en_{theme.pk}": "My careful wording",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "letters, digits, dots and dashes" in html
    assert 'value="My careful wording"' in html
    assert not Release.objects.exists()


def test_planning_and_publishing_are_for_pms_only(client, fan, pm, planned):
    client.force_login(fan)
    assert client.get("/releases/plan/").status_code == 403
    make_release(by=pm, themes=[planned[0]])
    assert client.post("/releases/24.11.22/publish/").status_code == 403
    assert Release.objects.get().status == "draft"


def test_changelog_page_names_the_fans_and_counts_voters(client, pm, fans):
    theme, posts = theme_with_posts(fans[0], fans[1])
    for _ in range(3):
        vote_cast(fan=FanFactory(), post=posts[0])
    release = make_release(by=pm, themes=[theme])
    page = release_publish(release=release, by=pm)
    html = client.get(page.url).content.decode()
    assert f'data-credit="{fans[0].username}"' in html
    assert f'data-credit="{fans[1].username}"' in html
    assert "and 3 fans who voted" in html
    assert "(first to report)" in html
    assert html.index(fans[0].public_name) < html.index(fans[1].public_name)


def test_changelog_page_queries_do_not_grow_with_credits(
    client, pm, fans, django_assert_max_num_queries
):
    theme, posts = theme_with_posts(*fans)
    for _ in range(10):
        vote_cast(fan=FanFactory(), post=posts[0])
    page = release_publish(release=make_release(by=pm, themes=[theme]), by=pm)
    client.force_login(fans[0])
    with django_assert_max_num_queries(15):
        assert client.get(page.url).status_code == 200


def test_changelog_index_queries_are_bounded(
    client, pm, fans, django_assert_max_num_queries
):
    for n in range(5):
        theme, _ = theme_with_posts(fans[n % 4], title=f"Widget {n} flickers on home")
        release_publish(
            release=make_release(by=pm, themes=[theme], version=f"24.12.{n}"), by=pm
        )
    with django_assert_max_num_queries(8):
        assert client.get("/changelog/").status_code == 200


def test_my_fixes_tab_lists_credits_with_role_and_open_posts(
    client, pm, fans, django_assert_max_num_queries
):
    theme, posts = theme_with_posts(fans[0], fans[1])
    open_theme, _ = theme_with_posts(
        fans[1], title="Fingerprint unlock fails after update"
    )
    vote_cast(fan=fans[1], post=posts[0])
    release_publish(release=make_release(by=pm, themes=[theme]), by=pm)

    with django_assert_max_num_queries(8):
        html = client.get(f"/u/{fans[1].username}/fixes/").content.decode()
    assert "24.11.22" in html and "Reporter" in html
    assert "Fingerprint unlock fails after update" in html
    assert open_theme.get_status_display() in html
    profile = client.get(f"/u/{fans[1].username}/").content.decode()
    assert f'href="/u/{fans[1].username}/fixes/"' in profile
    assert Fan.objects.get(pk=fans[1].pk).reputation > 0


def test_opted_out_fans_credits_are_shown_only_to_themselves(client, pm, fans):
    fans[0].credit_opt_out = True
    fans[0].save(update_fields=["credit_opt_out"])
    theme, _posts = theme_with_posts(fans[0])
    release_publish(release=make_release(by=pm, themes=[theme]), by=pm)
    url = f"/u/{fans[0].username}/fixes/"

    assert "keeps their credits private" in client.get(url).content.decode()
    client.force_login(fans[0])
    assert "First reporter" in client.get(url).content.decode()
