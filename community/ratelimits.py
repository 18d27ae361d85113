"""Rate limits on writes and costly reads, through django-ratelimit (cache-backed,
per fan or IP)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_ratelimit import ALL, UNSAFE
from django_ratelimit.core import is_ratelimited

RATE_MESSAGE = _(
    "You are posting faster than the forum allows. Wait a minute and send again; "
    "your text is kept below."
)


def write_limited(request, *, group: str, setting: str) -> bool:
    """True when this write must be refused; counts the attempt."""
    return _limited(request, group, setting, UNSAFE)


def read_limited(request, *, group: str, setting: str) -> bool:
    """True when this costly read (one that runs the encoder, say) must be
    refused; counts the request."""
    return _limited(request, group, setting, ALL)


def _limited(request, group: str, setting: str, method) -> bool:
    return is_ratelimited(
        request,
        group=group,
        key="user_or_ip",
        rate=getattr(settings, setting),
        method=method,
        increment=True,
    )
