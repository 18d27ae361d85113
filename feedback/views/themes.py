"""Theme pages: the list, one theme with its evidence, and PM decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from feedback import selectors
from feedback.models import PainPoint, Theme
from feedback.services import triage
from feedback.services.themes import theme_evidence


class ThemeListView(View):
    def get(self, request):
        status = request.GET.get("status") or None
        if status not in Theme.Status.values:
            status = None
        page = selectors.theme_page(
            status=status,
            board=request.GET.get("board") or None,
            ordering=request.GET.get("ordering", "-score"),
            page=request.GET.get("page", 1),
        )
        return render(
            request,
            "feedback/themes.html",
            {"page": page, "status": status, "statuses": Theme.Status.choices},
        )


class ThemeView(View):
    def get(self, request, pk):
        theme = selectors.theme_get(pk=pk)
        context = selectors.theme_detail(theme=theme, viewer=request.user)
        context["theme"] = theme
        why = theme_evidence(theme=theme, page=request.GET.get("page", 1))
        for key in ("posts", "page", "first_post_id", "devices", "versions", "related"):
            context[key] = why.pop(key)
        context["why"] = why
        context["statuses"] = Theme.Status.choices
        return render(request, "feedback/theme.html", context)


@login_required
@require_POST
def theme_action(request, pk, action):
    """One endpoint for the PM forms on the theme page; each calls one service."""
    theme = selectors.theme_get(pk=pk)
    by = request.user
    target = theme
    try:
        if action == "rename":
            triage.theme_rename(theme=theme, title=request.POST.get("title", ""), by=by)
        elif action == "status":
            triage.theme_set_status(
                theme=theme, status=request.POST.get("status", ""), by=by
            )
        elif action == "notes":
            triage.theme_set_notes(
                theme=theme,
                by=by,
                public_note=request.POST.get("public_note"),
                internal_note=request.POST.get("internal_note"),
            )
        elif action == "merge":
            into = selectors.theme_get(pk=_int(request.POST.get("into")))
            target = triage.theme_merge(source=theme, into=into, by=by)
        elif action == "unmerge":
            triage.theme_unmerge(source=theme, by=by)
        elif action == "split":
            ids = [_int(v) for v in request.POST.getlist("posts")]
            target = triage.theme_split(
                theme=theme, post_ids=ids, by=by, title=request.POST.get("title", "")
            )
        elif action == "move":
            post = PainPoint.objects.get(pk=_int(request.POST.get("post")))
            into = selectors.theme_get(pk=_int(request.POST.get("into")))
            triage.post_move(post=post, into=into, by=by)
        else:
            raise ValidationError(_("Unknown action."))
    except (ValidationError, PainPoint.DoesNotExist) as exc:
        message = " ".join(getattr(exc, "messages", [str(exc)]))
        messages.error(request, message)
        return redirect(theme)
    messages.success(request, _("Saved."))
    return redirect(target)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Give a theme or post number.")) from None
