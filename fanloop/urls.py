from django.conf import settings
from django.contrib import admin
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from fanloop.api import api
from fanloop.search.views import SearchView

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("search/", SearchView.as_view(), name="search"),
    path("api/v1/", api.urls),
    re_path(
        r"^api/",
        lambda request, *a, **kw: JsonResponse(
            {"detail": "No such endpoint."}, status=404
        ),
    ),
    # Browsers ask for /favicon.ico where a page names no icon (feeds, JSON).
    path(
        "favicon.ico",
        lambda request: HttpResponsePermanentRedirect(
            staticfiles_storage.url("img/favicon.svg")
        ),
    ),
    path("", include("releases.urls")),
    path("", include("feedback.urls")),
    path("", include("community.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves the page tree (the changelog) at whatever the routes above leave.
urlpatterns.append(path("", include(wagtail_urls)))
