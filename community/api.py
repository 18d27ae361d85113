"""Community endpoints of the JSON API: boards, me, notifications."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import APIKeyCookie, HttpBearer

from community import selectors
from community.services.fans import token_authenticate


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        fan = token_authenticate(token)
        if fan is not None:
            request.user = fan
        return fan


class SessionAuth(APIKeyCookie):
    """The browser session; unsafe methods also need the CSRF token."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


def auth_methods() -> list:
    return [BearerAuth(), SessionAuth()]


router = Router()


class Mapped:
    """A queryset seen through ``make`` (model → response dict), for django-ninja's
    ``@paginate``: it slices and counts the queryset, so only the requested page
    is read and turned into dicts (a list comprehension would read every row)."""

    def __init__(self, queryset, make) -> None:
        self.queryset = queryset
        self.make = make

    def __getitem__(self, window: slice) -> list:
        return [self.make(item) for item in self.queryset[window]]

    def all(self):  # the paginator counts with ``.all().count()``
        return self.queryset.all()

    def __len__(self) -> int:
        return self.queryset.count()


class BoardOut(Schema):
    slug: str
    name: str
    description: str
    is_feedback: bool
    thread_count: int
    last_activity_at: datetime | None


class BadgeOut(Schema):
    slug: str
    name: str


class MeOut(Schema):
    username: str
    display_name: str
    email: str
    locale: str
    devices: list[str]
    reputation: int
    level: int
    badges: list[BadgeOut]
    roles: list[str]
    date_joined: datetime
    profile_url: str


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    url: str
    created_at: datetime
    read: bool


class NotificationsOut(Schema):
    unread: int
    items: list[NotificationOut]


@router.get("/boards", response=list[BoardOut], tags=["community"])
def boards(request):
    return selectors.board_list()


@router.get("/me", response=MeOut, auth=auth_methods(), tags=["community"])
def me(request):
    fan = selectors.fan_get(username=request.auth.username)
    return {
        "username": fan.username,
        "display_name": fan.public_name,
        "email": fan.email,
        "locale": fan.locale,
        "devices": fan.device_list,
        "reputation": fan.reputation,
        "level": fan.level,
        "badges": [
            {"slug": r.badge.slug, "name": r.badge.name} for r in fan.badge_rows
        ],
        "roles": sorted(fan.groups.values_list("name", flat=True)),
        "date_joined": fan.date_joined,
        "profile_url": fan.get_absolute_url(),
    }


@router.get(
    "/notifications",
    response=NotificationsOut,
    auth=auth_methods(),
    tags=["community"],
)
def notifications(request, page: int = 1):
    page_obj = selectors.notification_page(fan=request.auth, page=page)
    return {
        "unread": selectors.unread_count(fan=request.auth),
        "items": [
            {
                "id": n.id,
                "kind": n.kind,
                "text": n.text,
                "url": n.url,
                "created_at": n.created_at,
                "read": n.read_at is not None,
            }
            for n in page_obj.object_list
        ],
    }
