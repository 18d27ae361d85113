"""The product manager's triage screen, the public roadmap."""

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from community.models import Board
from community.search import SearchQueryError, search_ids
from feedback import selectors
from feedback.models import PainPoint, Theme
from feedback.services import triage
from feedback.week import current_week

FILTERS = ("board", "kind", "status", "tag", "device", "version", "text")


class TriageView(View):
    def get(self, request):
        if not (request.user.is_authenticated and request.user.is_pm):
            raise PermissionDenied(_("The triage screen is for product managers."))
        filters = {k: request.GET.get(k, "").strip() or None for k in FILTERS}
        if filters["status"] not in Theme.Status.values:
            filters["status"] = None
        sort = request.GET.get("sort", "rank")
        ids, search_error = _search(filters["text"], request.user)
        themes, backlog = selectors.triage_rows(
            **{**filters, "text": filters["text"] if ids is None else None},
            ids=ids,
            sort=sort,
        )
        options = _status_options()
        for theme in themes:
            theme.status_options = options[theme.status]
        return render(
            request,
            "feedback/triage.html",
            {
                "themes": themes,
                "backlog": backlog,
                "filters": filters,
                "sort": sort,
                "week": current_week(),
                "statuses": Theme.Status.choices,
                "kinds": PainPoint.Kind.choices,
                "boards": Board.objects.all(),
                "search_error": search_error,
            },
        )


def _search(text: str | None, viewer) -> tuple[list[int] | None, str]:
    """Ids of the themes the site search finds for the text box, and the message
    for a refused query; None when no search engine is installed."""
    if not text:
        return None, ""
    try:
        return search_ids(query=text, kind="theme", viewer=viewer), ""
    except SearchQueryError as exc:
        return [], str(exc)


def _status_options() -> dict[str, str]:
    """The status <option>s for each current status, rendered once per request
    instead of once per row (500 rows × 7 options dominated the page's time)."""
    choices = Theme.Status.choices
    rendered = {}
    for current, _label in choices:
        parts = []
        for value, label in choices:
            if value == Theme.Status.DUPLICATE and current != value:
                continue
            selected = " selected" if value == current else ""
            parts.append(
                format_html('<option value="{}"{}>{}</option>', value, selected, label)
            )
        rendered[current] = mark_safe("".join(parts))  # noqa: S308 - escaped above
    return rendered


def _row(theme: Theme) -> dict:
    theme.refresh_from_db()
    return {
        "id": theme.pk,
        "title": theme.title,
        "status": theme.status,
        "status_label": theme.get_status_display(),
        "target_version": theme.target_version,
        "fan_count": theme.fan_count,
        "public_note": theme.public_note,
        "internal_note": theme.internal_note,
        "merged_into": theme.merged_into_id,
    }


@login_required
@require_POST
def triage_action(request):
    """JSON endpoint behind every triage control; one service call per theme."""
    try:
        data = json.loads(request.body or b"{}")
    except json.JSONDecodeError:
        return JsonResponse({"detail": _("Send JSON.")}, status=400)
    action = data.get("action")
    ids = data.get("themes") or []
    if not isinstance(ids, list) or not ids:
        return JsonResponse({"detail": _("Select at least one theme.")}, status=422)
    themes = list(Theme.objects.filter(pk__in=ids))
    if len(themes) != len(set(ids)):
        return JsonResponse({"detail": _("Some themes do not exist.")}, status=404)
    by = request.user
    try:
        triage.require_pm(by)
        for theme in themes:
            if action == "status":
                triage.theme_set_status(
                    theme=theme, status=data.get("value", ""), by=by
                )
            elif action == "rename":
                triage.theme_rename(theme=theme, title=data.get("value", ""), by=by)
            elif action == "plan":
                triage.theme_plan(theme=theme, version=data.get("value", ""), by=by)
            elif action == "public_note":
                triage.theme_set_notes(
                    theme=theme, public_note=data.get("value", ""), by=by
                )
            elif action == "internal_note":
                triage.theme_set_notes(
                    theme=theme, internal_note=data.get("value", ""), by=by
                )
            elif action == "merge":
                into = Theme.objects.filter(pk=data.get("value")).first()
                if into is None:
                    raise ValidationError(_("Give the number of the theme to keep."))
                triage.theme_merge(source=theme, into=into, by=by)
            else:
                raise ValidationError(_("Unknown action."))
    except PermissionDenied as exc:
        return JsonResponse({"detail": str(exc)}, status=403)
    except ValidationError as exc:
        return JsonResponse({"detail": " ".join(exc.messages)}, status=422)
    return JsonResponse({"themes": [_row(t) for t in themes]})


class RoadmapView(View):
    def get(self, request):
        board = request.GET.get("board") or None
        columns = selectors.roadmap(board=board)
        return render(
            request,
            "feedback/roadmap.html",
            {
                "columns": columns,
                "board": board,
                "boards": Board.objects.filter(is_feedback=True),
            },
        )
