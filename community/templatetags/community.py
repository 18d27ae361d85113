import json

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (None removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.filter
def brief(record, limit: int = 8) -> str:
    """A decision's before/after record (a dict of JSON values) on one line, each
    long list cut to its first ``limit`` items and how many there are in all: a
    re-cluster moves thousands of posts into one theme."""

    def short(value) -> str:
        if isinstance(value, list) and len(value) > limit:
            shown = ", ".join(json.dumps(v, ensure_ascii=False) for v in value[:limit])
            return (
                "["
                + _("%(shown)s, … %(count)s in all")
                % {
                    "shown": shown,
                    "count": len(value),
                }
                + "]"
            )
        return json.dumps(value, ensure_ascii=False)

    if not isinstance(record, dict):
        return short(record)
    return (
        "{" + ", ".join(f"{json.dumps(k)}: {short(v)}" for k, v in record.items()) + "}"
    )
