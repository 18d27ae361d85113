from django.urls import path

from feedback.views import posts, themes, triage

app_name = "feedback"

# Mounted before community's URLs: the first five wrap community pages.
urlpatterns = [
    path("b/<slug:slug>/", posts.BoardView.as_view(), name="board"),
    path("b/<slug:slug>/new/", posts.PainPointCreateView.as_view(), name="post_new"),
    path("t/<int:pk>/", posts.ThreadView.as_view(), name="thread"),
    path("t/<int:pk>/edit/", posts.PainPointEditView.as_view(), name="post_edit"),
    path("t/<int:pk>/reply/", posts.ReplyCreateView.as_view(), name="reply_new"),
    path("p/<int:pk>/vote/", posts.vote_toggle, name="vote"),
    path("themes/", themes.ThemeListView.as_view(), name="themes"),
    path("themes/<int:pk>/", themes.ThemeView.as_view(), name="theme"),
    path("themes/<int:pk>/<str:action>/", themes.theme_action, name="theme_action"),
    path("triage/", triage.TriageView.as_view(), name="triage"),
    path("triage/action/", triage.triage_action, name="triage_action"),
    path("roadmap/", triage.RoadmapView.as_view(), name="roadmap"),
]
