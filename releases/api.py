"""Release endpoints of the JSON API: list, detail, create, publish, rate."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db.models import Count
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from community.api import Mapped, auth_methods
from community.ratelimits import write_limited
from community.services.fans import token_authenticate
from feedback.models import Theme
from feedback.services.triage import require_pm
from releases import selectors, services
from releases.models import ItemRating, Release, ReleaseItem

router = Router(tags=["releases"])


class ReleaseOut(Schema):
    version: str
    channel: str
    status: str
    target_date: dt.date | None
    published_at: dt.datetime | None
    item_count: int
    url: str | None

    @staticmethod
    def from_release(release: Release, item_count: int | None = None) -> dict:
        page = getattr(release, "page", None)
        return {
            "version": release.version,
            "channel": release.channel,
            "status": release.status,
            "target_date": release.target_date,
            "published_at": release.published_at,
            "item_count": (
                item_count if item_count is not None else release.items.count()
            ),
            "url": page.url if page is not None and page.live else None,
        }


class ThemeRef(Schema):
    id: int
    title: str
    status: str
    fan_count: int
    url: str


class CreditOut(Schema):
    name: str
    username: str | None
    role: str


class RatingsOut(Schema):
    good: int
    so_so: int
    bad: int


class ItemOut(Schema):
    id: int
    kind: str
    summary_en: str
    summary_zh: str
    theme: ThemeRef
    fan_count: int
    voter_count: int
    credits: list[CreditOut]
    ratings: RatingsOut


class ReleaseDetailOut(ReleaseOut):
    items: list[ItemOut]


# The models' limits: a longer text is a 422 naming the field, not cut short.
_SUMMARY = ReleaseItem._meta.get_field("summary_en").max_length
_COMMENT = ItemRating._meta.get_field("comment").max_length


class ItemIn(Schema):
    theme: int
    kind: Literal["fix", "feature", "improvement"] = "fix"
    summary_en: str = Field("", max_length=_SUMMARY)
    summary_zh: str = Field("", max_length=_SUMMARY)


class ReleaseIn(Schema):
    version: str
    channel: Literal["beta", "stable"] = "stable"
    target_date: dt.date | None = None
    themes: list[int | ItemIn]


class RatingIn(Schema):
    value: Literal["good", "so-so", "bad"]
    comment: str = Field("", max_length=_COMMENT)


class RatingOut(Schema):
    item: int
    value: str
    comment: str
    ratings: RatingsOut


def _detail(release: Release) -> dict:
    items = selectors.release_items(release=release)
    credits = selectors.item_credits(items=items)
    out = ReleaseOut.from_release(release, item_count=len(items))
    out["items"] = [
        {
            "id": item.pk,
            "kind": item.kind,
            "summary_en": item.summary_en,
            "summary_zh": item.summary_zh,
            "theme": {
                "id": item.theme.pk,
                "title": item.theme.title,
                "status": item.theme.status,
                "fan_count": item.theme.fan_count,
                "url": item.theme.get_absolute_url(),
            },
            "fan_count": item.fan_count,
            "voter_count": item.voter_count,
            "credits": credits.get(item.pk, []),
            "ratings": _ratings(item),
        }
        for item in items
    ]
    return out


def _ratings(item: ReleaseItem) -> dict:
    return {"good": item.good_count, "so_so": item.so_so_count, "bad": item.bad_count}


@router.get("/releases", response=list[ReleaseOut])
@paginate(LimitOffsetPagination)
def release_list(request, channel: str = ""):
    releases = selectors.release_list(channel=channel).annotate(n=Count("items"))
    return Mapped(releases, lambda r: ReleaseOut.from_release(r, item_count=r.n))


def _viewer(request: HttpRequest):
    """The session's fan, or the bearer token's on a public endpoint (drafts are
    visible to PMs who send their token)."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return (
            token_authenticate(header.removeprefix("Bearer ").strip()) or request.user
        )
    return request.user


@router.get("/releases/{version}", response=ReleaseDetailOut)
def release_get(request, version: str):
    return _detail(selectors.release_get(version=version, viewer=_viewer(request)))


@router.post("/releases", response={201: ReleaseDetailOut}, auth=auth_methods())
def release_create(request: HttpRequest, payload: ReleaseIn):
    require_pm(request.auth)
    wanted = [t if isinstance(t, ItemIn) else ItemIn(theme=t) for t in payload.themes]
    themes = Theme.objects.in_bulk([w.theme for w in wanted])
    missing = [w.theme for w in wanted if w.theme not in themes]
    if missing:
        raise HttpError(422, f"themes: no theme {missing[0]}.")
    release = services.release_create(
        version=payload.version,
        channel=payload.channel,
        target_date=payload.target_date,
        by=request.auth,
        items=[
            services.ItemSpec(
                theme=themes[w.theme],
                kind=w.kind,
                summary_en=w.summary_en,
                summary_zh=w.summary_zh,
            )
            for w in wanted
        ],
    )
    return Status(201, _detail(release))


@router.post(
    "/releases/{version}/publish", response=ReleaseDetailOut, auth=auth_methods()
)
def release_publish(request, version: str):
    require_pm(request.auth)
    release = selectors.release_get(version=version, viewer=request.auth)
    services.release_publish(release=release, by=request.auth)
    return _detail(selectors.release_get(version=version, viewer=request.auth))


@router.put(
    "/releases/{version}/items/{item_id}/rating",
    response=RatingOut,
    auth=auth_methods(),
)
def item_rate(request, version: str, item_id: int, payload: RatingIn):
    item = selectors.item_get(item_id=item_id, version=version)
    if write_limited(request, group="rating", setting="FANLOOP_RATE_RATING"):
        raise HttpError(429, "Too many ratings: wait a minute and try again.")
    rating = services.item_rate(
        item=item, fan=request.auth, value=payload.value, comment=payload.comment
    )
    item.refresh_from_db()
    return {
        "item": item.pk,
        "value": rating.value,
        "comment": rating.comment,
        "ratings": _ratings(item),
    }
