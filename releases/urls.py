from django.urls import path

from releases import feeds, views

app_name = "releases"

urlpatterns = [
    path("releases/plan/", views.ReleasePlanView.as_view(), name="plan"),
    path("releases/<str:version>/", views.ReleaseView.as_view(), name="release"),
    path("releases/<str:version>/publish/", views.release_publish, name="publish"),
    path(
        "releases/<str:version>/items/<int:item_id>/remove/",
        views.item_remove,
        name="item_remove",
    ),
    path("changelog/items/<int:item_id>/rate/", views.item_rate, name="rate"),
    path("changelog/feed/atom/", feeds.ChangelogAtomFeed(), name="feed_atom"),
    path("changelog/feed/rss/", feeds.ChangelogRssFeed(), name="feed_rss"),
    path(
        "changelog/feed/<slug:board>/atom/",
        feeds.ChangelogAtomFeed(),
        name="board_feed_atom",
    ),
    path(
        "changelog/feed/<slug:board>/rss/",
        feeds.ChangelogRssFeed(),
        name="board_feed_rss",
    ),
    path("u/<str:username>/fixes/", views.FixesView.as_view(), name="fixes"),
    # Served by Wagtail behind a cache for anonymous readers (see the view).
    path("changelog/<slug:slug>/", views.changelog_page, name="changelog_page"),
]
