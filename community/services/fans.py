"""Fan accounts: profile edits, roles, API tokens, reputation and badges."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import ApiToken, Badge, Fan, FanBadge, ReputationEntry

TOKEN_PREFIX = "fl_"  # noqa: S105 (a public marker, not a secret)


def role_grant(*, fan: Fan, role: str) -> None:
    if role not in Fan.Role.values:
        raise ValidationError(
            _("Unknown role %(role)s; choose one of %(roles)s.")
            % {"role": role, "roles": ", ".join(Fan.Role.values)}
        )
    group, _created = Group.objects.get_or_create(name=role)
    fan.groups.add(group)
    fan.__dict__.pop("_role_cache", None)


def role_revoke(*, fan: Fan, role: str) -> None:
    fan.groups.remove(*Group.objects.filter(name=role))
    fan.__dict__.pop("_role_cache", None)


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_issue(*, fan: Fan, name: str = "default") -> str:
    """Create a bearer token and return it; it is shown once, only its hash is kept."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        fan=fan, name=name[:80] or "default", digest=token_digest(raw), prefix=raw[:8]
    )
    return raw


def token_authenticate(raw: str) -> Fan | None:
    token = (
        ApiToken.objects.select_related("fan")
        .filter(digest=token_digest(raw), fan__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.fan


def token_revoke(*, fan: Fan, token_id: int) -> bool:
    deleted, _ = ApiToken.objects.filter(fan=fan, pk=token_id).delete()
    return bool(deleted)


def profile_update(*, fan: Fan, **fields) -> Fan:
    allowed = {
        "display_name",
        "devices",
        "locale",
        "bio",
        "credit_opt_out",
        "notify_preference",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(_("Unknown profile fields: %s") % ", ".join(unknown))
    for name, value in fields.items():
        setattr(fan, name, value)
    fan.full_clean(exclude=["password", "username", "email"])
    fan.save(update_fields=list(fields))
    return fan


def reputation_award(*, fan_id: int, amount: int, reason: str, key: str) -> bool:
    """Add reputation once per ``key``; returns False when it was already awarded."""
    try:
        with transaction.atomic():
            ReputationEntry.objects.create(
                fan_id=fan_id, amount=amount, reason=reason[:200], key=key
            )
            Fan.objects.filter(pk=fan_id).update(reputation=F("reputation") + amount)
    except IntegrityError:
        return False
    return True


def badge_grant(*, fan_id: int, slug: str, name: str, description: str = "") -> bool:
    badge, _created = Badge.objects.get_or_create(
        slug=slug, defaults={"name": name, "description": description}
    )
    _row, created = FanBadge.objects.get_or_create(fan_id=fan_id, badge=badge)
    return created


def reputation_recount(*, fan: Fan) -> int:
    total = sum(fan.reputation_log.values_list("amount", flat=True))
    Fan.objects.filter(pk=fan.pk).update(reputation=total)
    return total
