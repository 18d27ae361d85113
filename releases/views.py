"""Release planning for PMs, one-click ratings, and a fan's "my fixes" tab."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from wagtail.views import serve as wagtail_serve

from community.pagecache import cached_page
from community.ratelimits import write_limited
from community.selectors import fan_get
from community.views.common import done, wants_json
from feedback.models import Theme
from feedback.selectors import fan_open_painpoints
from releases import selectors, services
from releases.forms import ReleaseForm
from releases.models import ReleaseItem


def _require_pm(request) -> None:
    if not (request.user.is_authenticated and request.user.is_pm):
        raise PermissionDenied(_("Release planning is for product managers."))


class ReleasePlanView(View):
    """Propose the planned themes; the PM ticks, words and creates a release."""

    def _render(self, request, form, chosen=None, status=200):
        version = form["version"].value() or ""
        chosen = chosen or {}
        themes = selectors.planning_candidates(version=version)
        for theme in themes:
            theme.pick = chosen.get(theme.pk)
        return render(
            request,
            "releases/plan.html",
            {
                "form": form,
                "themes": themes,
                "chosen": chosen,
                "kinds": ReleaseItem.Kind.choices,
                "releases": selectors.release_list(published_only=False)[:20],
            },
            status=status,
        )

    def get(self, request):
        _require_pm(request)
        form = ReleaseForm(initial={"version": request.GET.get("version", "")})
        return self._render(request, form)

    def post(self, request):
        _require_pm(request)
        form = ReleaseForm(request.POST)
        chosen = _chosen_items(request.POST)
        if form.is_valid():
            specs = [
                services.ItemSpec(theme=theme, **fields)
                for theme, fields in _specs(chosen)
            ]
            try:
                release = services.release_create(
                    by=request.user, items=specs, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Release created: check it and publish."))
                return redirect(release.get_absolute_url())
        return self._render(request, form, chosen, status=422)


def _chosen_items(post) -> dict[int, dict]:
    chosen = {}
    for raw in post.getlist("themes"):
        if raw.isdigit():
            pk = int(raw)
            chosen[pk] = {
                "kind": post.get(f"kind_{pk}", ReleaseItem.Kind.FIX),
                "summary_en": post.get(f"en_{pk}", ""),
                "summary_zh": post.get(f"zh_{pk}", ""),
            }
    return chosen


def _specs(chosen: dict[int, dict]):
    themes = Theme.objects.in_bulk(list(chosen))
    return [(themes[pk], fields) for pk, fields in chosen.items() if pk in themes]


class ReleaseView(View):
    """A release as its PM sees it: items, comments, publish button."""

    def get(self, request, version):
        _require_pm(request)
        release = selectors.release_get(version=version, viewer=request.user)
        items = selectors.release_items(release=release)
        credits = selectors.item_credits(items=items)
        for item in items:
            item.named_credits = credits.get(item.pk, [])
        return render(
            request,
            "releases/release.html",
            {
                "release": release,
                "items": items,
                "comments": selectors.item_comments(release=release),
                "page": getattr(release, "page", None),
            },
        )


@require_POST
def release_publish(request, version):
    _require_pm(request)
    release = selectors.release_get(version=version, viewer=request.user)
    try:
        page = services.release_publish(release=release, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(release.get_absolute_url())
    messages.success(
        request, _("Published. The changelog is at %(url)s.") % {"url": page.url}
    )
    return redirect(release.get_absolute_url())


@require_POST
def item_remove(request, version, item_id):
    _require_pm(request)
    item = selectors.item_get(item_id=item_id, version=version)
    try:
        services.release_item_remove(item=item, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(item.release.get_absolute_url())


@login_required
@require_POST
def item_rate(request, item_id):
    item = selectors.item_get(item_id=item_id)
    page = getattr(item.release, "page", None)
    fallback = f"{page.url if page else '/changelog/'}#item-{item.pk}"
    if write_limited(request, group="rating", setting="FANLOOP_RATE_RATING"):
        return render(request, "community/ratelimited.html", status=429)
    try:
        rating = services.item_rate(
            item=item,
            fan=request.user,
            value=request.POST.get("value", ""),
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as error:
        if wants_json(request):
            return JsonResponse({"detail": " ".join(error.messages)}, status=422)
        messages.error(request, " ".join(error.messages))
        return redirect(fallback)
    item.refresh_from_db()
    return done(
        request,
        fallback,
        value=rating.value,
        good=item.good_count,
        so_so=item.so_so_count,
        bad=item.bad_count,
    )


def changelog_page(request, slug):
    """A changelog page: anonymous readers get a cached copy straight away, without
    walking Wagtail's page tree (that costs more than the rest of the request);
    everyone else, and a cache miss, goes through Wagtail as usual. Ratings and
    every publication of the page drop the cached copies."""
    return cached_page(
        request,
        services.changelog_cache_scope(request.path),
        lambda: wagtail_serve(request, request.path.lstrip("/")),
    )


class FixesView(View):
    """A fan's "my fixes" tab: credited items, and their open pain points."""

    def get(self, request, username):
        fan = fan_get(username=username)
        # A fan who opted out of credits is "a fan" on changelogs: their list of
        # credits is theirs alone to see.
        private = fan.credit_opt_out and request.user != fan
        return render(
            request,
            "releases/fixes.html",
            {
                "fan": fan,
                "private": private,
                "credits": [] if private else selectors.fan_credits(fan=fan),
                "open_posts": fan_open_painpoints(fan=fan)[:50],
                "tab": "fixes",
            },
        )
