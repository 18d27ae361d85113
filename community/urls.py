from django.urls import path

from community.views import fans, forum

app_name = "community"

urlpatterns = [
    path("", forum.HomeView.as_view(), name="home"),
    path("b/<slug:slug>/", forum.BoardView.as_view(), name="board"),
    path("b/<slug:slug>/new/", forum.ThreadCreateView.as_view(), name="thread_new"),
    path("t/<int:pk>/", forum.ThreadView.as_view(), name="thread"),
    path("t/<int:pk>/edit/", forum.ThreadEditView.as_view(), name="thread_edit"),
    path(
        "t/<int:pk>/history/", forum.ThreadHistoryView.as_view(), name="thread_history"
    ),
    path("t/<int:pk>/reply/", forum.ReplyCreateView.as_view(), name="reply_new"),
    path("t/<int:pk>/like/", forum.thread_like, name="thread_like"),
    path("t/<int:pk>/mod/<str:action>/", forum.thread_moderate, name="thread_mod"),
    path("r/<int:pk>/edit/", forum.ReplyEditView.as_view(), name="reply_edit"),
    path("r/<int:pk>/like/", forum.reply_like, name="reply_like"),
    path("r/<int:pk>/mod/<str:action>/", forum.reply_moderate, name="reply_mod"),
    path("flag/<str:kind>/<int:pk>/", forum.flag_create, name="flag"),
    path("moderation/", forum.ModerationQueueView.as_view(), name="moderation"),
    path("u/<str:username>/", fans.ProfileView.as_view(), name="profile"),
    path("settings/", fans.SettingsView.as_view(), name="settings"),
    path("notifications/", fans.NotificationsView.as_view(), name="notifications"),
    path("language/", fans.language_switch, name="language"),
]
