"""Fan accounts: profile edits, roles, API tokens, reputation and badges."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from community.bulk import insert_rows
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


CHUNK = 5000  # ids per IN (...) list: well under SQLite's variable limit


def reputation_award_many(*, awards: Iterable[tuple[int, int, str, str]]) -> int:
    """Award many ``(fan_id, amount, reason, key)`` at once, each key only once.

    For bulk events (a release crediting 100,000 voters): keys already awarded are
    skipped, new entries go in with bulk inserts, and fans' totals are raised with
    one UPDATE per (amount, chunk). Call it inside the caller's transaction, under a
    lock that serialises awards of the same keys (``release_publish`` holds the
    release row), so the skip check cannot race. Returns how many were new.
    """
    pending = {key: (fan_id, amount, reason) for fan_id, amount, reason, key in awards}
    if not pending:
        return 0
    prefix = os.path.commonprefix(list(pending))
    if prefix:
        # Keys of one event share a prefix ("release:7:"): one index range scan.
        existing = ReputationEntry.objects.filter(
            key__gte=prefix, key__lt=prefix + "\U0010ffff"
        ).values_list("key", flat=True)
    else:
        keys = list(pending)
        existing = [
            key
            for start in range(0, len(keys), CHUNK)
            for key in ReputationEntry.objects.filter(
                key__in=keys[start : start + CHUNK]
            ).values_list("key", flat=True)
        ]
    for key in existing:
        pending.pop(key, None)
    with transaction.atomic():
        insert_rows(
            ReputationEntry,
            ["fan_id", "amount", "reason", "key"],
            ((f, a, r[:200], k) for k, (f, a, r) in pending.items()),
            constants={"created_at": timezone.now()},
        )
        by_amount: dict[int, list[int]] = defaultdict(list)
        for fan_id, amount, _reason in pending.values():
            by_amount[amount].append(fan_id)
        for amount, fan_ids in by_amount.items():
            # A fan with two awards of the same amount appears twice: count them.
            counts = Counter(fan_ids)
            for times in set(counts.values()):
                ids = sorted(f for f, n in counts.items() if n == times)
                for start in range(0, len(ids), CHUNK):
                    Fan.objects.filter(pk__in=ids[start : start + CHUNK]).update(
                        reputation=F("reputation") + amount * times
                    )
    return len(pending)


def badge_grant_many(
    *, fan_ids: Iterable[int], slug: str, name: str, description: str = ""
) -> int:
    """Give a badge to many fans in bulk; fans who have it already are skipped."""
    badge, _created = Badge.objects.get_or_create(
        slug=slug, defaults={"name": name, "description": description}
    )
    # The unique (fan, badge) constraint skips fans who have it already.
    return insert_rows(
        FanBadge,
        ["fan_id"],
        ((fan_id,) for fan_id in sorted(set(fan_ids))),
        constants={"badge_id": badge.pk, "awarded_at": timezone.now()},
        ignore_conflicts=True,
    )


def badge_grant(*, fan_id: int, slug: str, name: str, description: str = "") -> bool:
    badge, _created = Badge.objects.get_or_create(
        slug=slug, defaults={"name": name, "description": description}
    )
    _row, created = FanBadge.objects.get_or_create(fan_id=fan_id, badge=badge)
    return created
