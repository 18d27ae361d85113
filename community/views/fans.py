"""Profile, settings, tokens and notifications of a fan."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from community import selectors
from community.forms import ProfileForm, TokenForm
from community.services import fans, notifications


class ProfileView(View):
    def get(self, request, username):
        fan = selectors.fan_get(username=username)
        threads = selectors.fan_threads(
            fan=fan, viewer=request.user, page=request.GET.get("page", 1)
        )
        return render(
            request, "community/profile.html", {"fan": fan, "threads": threads}
        )


@method_decorator(login_required, name="dispatch")
class SettingsView(View):
    def _render(self, request, form, token_form, new_token=None, status=200):
        return render(
            request,
            "community/settings.html",
            {
                "form": form,
                "token_form": token_form,
                "new_token": new_token,
                "tokens": request.user.fanloop_tokens.order_by("-created_at"),
            },
            status=status,
        )

    def get(self, request):
        return self._render(request, ProfileForm(instance=request.user), TokenForm())

    def post(self, request):
        if "create_token" in request.POST:
            token_form = TokenForm(request.POST)
            if token_form.is_valid():
                raw = fans.token_issue(fan=request.user, **token_form.cleaned_data)
                return self._render(
                    request,
                    ProfileForm(instance=request.user),
                    TokenForm(),
                    new_token=raw,
                )
            return self._render(
                request, ProfileForm(instance=request.user), token_form, status=400
            )
        if "revoke_token" in request.POST:
            fans.token_revoke(fan=request.user, token_id=request.POST["revoke_token"])
            messages.success(request, _("Token revoked."))
            return redirect("community:settings")
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            fans.profile_update(fan=request.user, **form.cleaned_data)
            messages.success(request, _("Profile saved."))
            return redirect("community:settings")
        return self._render(request, form, TokenForm(), status=400)


@method_decorator(login_required, name="dispatch")
class NotificationsView(View):
    def get(self, request):
        page = selectors.notification_page(
            fan=request.user, page=request.GET.get("page", 1)
        )
        return render(request, "community/notifications.html", {"page": page})

    def post(self, request):
        notifications.notifications_mark_read(fan=request.user)
        return redirect("community:notifications")


def language_switch(request):
    """Switch the interface language with a plain GET link or form.

    Unlike Django's ``set_language`` it needs no CSRF token, so anonymous pages carry
    no per-visitor token and can be cached whole. Changing one's own language is not a
    state change worth forging.
    """
    code = request.GET.get("language", "")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
        )
        if request.user.is_authenticated and request.user.locale != code:
            fans.profile_update(fan=request.user, locale=code)
    return response
