"""Feedback endpoints of the JSON API: posts, votes, similar posts, themes."""

from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from community.api import Mapped, auth_methods
from community.forms import MAX_BODY
from community.models import Board
from community.ratelimits import read_limited, write_limited
from community.search import SearchQueryError
from feedback import selectors
from feedback.forms import MAX_RESULT, MAX_STEPS
from feedback.models import PainPoint, Theme
from feedback.search import search_filter
from feedback.services import posts, triage, votes
from feedback.services.themes import similar_posts

router = Router(tags=["feedback"])


class PostOut(Schema):
    id: int
    board: str
    kind: str
    title: str
    body: str
    author: str
    device_model: str
    os_version: str
    reproducibility: str
    severity: int
    steps: str
    expected: str
    actual: str
    votes: int
    theme: int | None
    created_at: datetime
    edited_at: datetime | None
    url: str

    @staticmethod
    def from_post(post: PainPoint) -> dict:
        thread = post.thread
        return {
            "id": post.pk,
            "board": thread.board.slug,
            "kind": post.kind,
            "title": thread.title,
            "body": thread.body,
            "author": thread.author.username,
            "device_model": post.device_model,
            "os_version": post.os_version,
            "reproducibility": post.reproducibility,
            "severity": post.severity,
            "steps": post.steps,
            "expected": post.expected,
            "actual": post.actual,
            "votes": post.vote_count,
            "theme": post.theme_id,
            "created_at": post.created_at,
            "edited_at": thread.edited_at,
            "url": thread.get_absolute_url(),
        }


class PostIn(Schema):
    """A new pain point; the form's limits hold (a longer text is a 422 naming
    the field and its limit)."""

    board: str
    kind: Literal["bug", "suggestion", "complaint"]
    title: str
    body: str = Field(max_length=MAX_BODY)
    device_model: str = Field("", max_length=PainPoint.DEVICE_MAX)
    os_version: str = Field("", max_length=PainPoint.VERSION_MAX)
    reproducibility: Literal["", "always", "sometimes", "once"] = ""
    severity: int = PainPoint.Severity.MEDIUM
    steps: str = Field("", max_length=MAX_STEPS)
    expected: str = Field("", max_length=MAX_RESULT)
    actual: str = Field("", max_length=MAX_RESULT)
    tags: list[str] = []


class PostPatch(Schema):
    """The fields to change; the others stay as they are."""

    kind: Literal["bug", "suggestion", "complaint"] | None = None
    title: str | None = None
    body: str | None = Field(None, max_length=MAX_BODY)
    device_model: str | None = Field(None, max_length=PainPoint.DEVICE_MAX)
    os_version: str | None = Field(None, max_length=PainPoint.VERSION_MAX)
    reproducibility: Literal["", "always", "sometimes", "once"] | None = None
    severity: int | None = None
    steps: str | None = Field(None, max_length=MAX_STEPS)
    expected: str | None = Field(None, max_length=MAX_RESULT)
    actual: str | None = Field(None, max_length=MAX_RESULT)
    tags: list[str] | None = None


class VoteOut(Schema):
    post: int
    voted: bool
    votes: int
    theme: dict | None


class SimilarOut(Schema):
    post: int
    theme: int | None
    theme_title: str
    theme_url: str
    title: str
    score: float
    votes: int
    theme_fans: int
    theme_posts: int
    url: str
    vote_url: str
    voted: bool  # the caller has said "me too" to this post
    mine: bool  # the caller wrote it


class ScoreOut(Schema):
    fans: float
    severity: float
    spread: float
    recency: float
    total: float


class ThemeOut(Schema):
    id: int
    title: str
    status: str
    board: str | None
    fan_count: int
    vote_count: int
    post_count: int
    score: float
    public_note: str
    target_version: str
    merged_into: int | None
    url: str

    @staticmethod
    def from_theme(theme: Theme) -> dict:
        return {
            "id": theme.pk,
            "title": theme.title,
            "status": theme.status,
            "board": theme.board.slug if theme.board_id else None,
            "fan_count": theme.fan_count,
            "vote_count": theme.vote_count,
            "post_count": theme.post_count,
            "score": theme.score,
            "public_note": theme.public_note,
            "target_version": theme.target_version,
            "merged_into": theme.merged_into_id,
            "url": theme.get_absolute_url(),
        }


class RelatedOut(Schema):
    id: int
    title: str
    score: float
    language: str
    url: str


class ThemeDetailOut(ThemeOut):
    posts: list[PostOut]
    posts_page: int
    posts_pages: int
    score_breakdown: ScoreOut
    terms: list[str]
    confidence: float
    related: list[RelatedOut]


class ThemePatch(Schema):
    title: str | None = None
    status: str | None = None
    public_note: str | None = None


class MergeIn(Schema):
    into: int


def _limit(request: HttpRequest, group: str) -> None:
    if write_limited(request, group=group, setting="FANLOOP_RATE_POST"):
        raise HttpError(429, "Too many writes: wait a minute and try again.")


@router.get("/posts", response=list[PostOut])
@paginate(LimitOffsetPagination)
def post_list(
    request, board: str = "", theme: int | None = None, kind: str = "", q: str = ""
):
    if kind and kind not in PainPoint.Kind.values:
        raise HttpError(422, f"kind: one of {', '.join(PainPoint.Kind.values)}.")
    qs = selectors.painpoint_list(
        viewer=request.user, board=board or None, theme=theme, kind=kind or None
    )
    if q.strip():
        qs = _searched(qs, q=q, kind="post", viewer=request.user)
    return Mapped(qs, PostOut.from_post)


def _searched(qs, *, q: str, kind: str, viewer):
    """Narrow a list to the site search's matches, best first (``q=``)."""
    try:
        found = search_filter(qs, query=q, kind=kind, viewer=viewer)
    except SearchQueryError as exc:
        raise HttpError(422, f"q: {exc}") from exc
    if found is None:  # no search engine installed: plain substring match
        title = "thread__title" if kind == "post" else "title"
        return qs.filter(**{f"{title}__icontains": q})
    return found


@router.post("/posts", response={201: PostOut}, auth=auth_methods())
def post_create(request, payload: PostIn):
    board = Board.objects.filter(slug=payload.board).first()
    if board is None:
        raise HttpError(422, f"Unknown board {payload.board!r}.")
    if not 4 <= len(payload.title.strip()) <= 160:
        raise HttpError(422, "title: give 4 to 160 characters.")
    if not payload.body.strip():
        raise HttpError(422, "body: describe the problem.")
    if payload.severity not in PainPoint.Severity.values:
        raise HttpError(422, "severity: 1 (low) to 4 (critical).")
    _limit(request, "post")
    post = posts.painpoint_create(
        author=request.auth, board=board, **payload.dict(exclude={"board"})
    )
    # The new post and its thread hold everything the answer shows (its board and
    # author are the objects given): no need to read them back.
    return Status(201, PostOut.from_post(post))


@router.get("/posts/{post_id}", response=PostOut)
def post_get(request, post_id: int):
    return PostOut.from_post(selectors.painpoint_get(pk=post_id, viewer=request.user))


@router.patch("/posts/{post_id}", response=PostOut, auth=auth_methods())
def post_patch(request, post_id: int, payload: PostPatch):
    """Its author (or a moderator) edits a pain point (403 for anyone else)."""
    post = selectors.painpoint_get(pk=post_id, viewer=request.auth)
    changes = payload.dict(exclude_unset=True)
    if any(value is None for value in changes.values()):
        raise HttpError(422, "Leave a field out to keep it; null is not a value.")
    if "title" in changes and not 4 <= len(changes["title"].strip()) <= 160:
        raise HttpError(422, "title: give 4 to 160 characters.")
    if "body" in changes and not changes["body"].strip():
        raise HttpError(422, "body: describe the problem.")
    if changes.get("severity", post.severity) not in PainPoint.Severity.values:
        raise HttpError(422, "severity: 1 (low) to 4 (critical).")
    _limit(request, "edit")
    posts.painpoint_edit(post=post, by=request.auth, **changes)
    return PostOut.from_post(selectors.painpoint_get(pk=post.pk, viewer=request.auth))


def _vote(request, post_id: int, service) -> dict:
    post = selectors.painpoint_get(pk=post_id, viewer=request.auth)
    service(fan=request.auth, post=post)
    counts = votes.counts_for(post.pk)
    return {"voted": service is votes.vote_cast, **counts}


@router.put("/posts/{post_id}/vote", response=VoteOut, auth=auth_methods())
def vote_put(request, post_id: int):
    return _vote(request, post_id, votes.vote_cast)


@router.delete("/posts/{post_id}/vote", response=VoteOut, auth=auth_methods())
def vote_delete(request, post_id: int):
    return _vote(request, post_id, votes.vote_retract)


@router.get("/similar", response=list[SimilarOut], url_name="similar")
def similar(request, text: str = "", per_theme: bool = False):
    """Up to five posts that look like ``text``; ``per_theme`` keeps the best post
    of each theme (the form's list: five different problems)."""
    text = text.strip()[:2000]
    if len(text) < 3:
        return []
    if read_limited(request, group="similar", setting="FANLOOP_RATE_SIMILAR"):
        raise HttpError(429, "Too many suggestion requests: wait a minute.")
    return similar_posts(text=text, viewer=request.user, limit=5, per_theme=per_theme)


@router.get("/themes", response=list[ThemeOut])
@paginate(LimitOffsetPagination)
def theme_list(
    request, status: str = "", board: str = "", ordering: str = "", q: str = ""
):
    if status and status not in Theme.Status.values:
        raise HttpError(422, f"status: one of {', '.join(Theme.Status.values)}.")
    if ordering and ordering not in selectors.THEME_ORDERINGS:
        raise HttpError(
            422, f"ordering: one of {', '.join(selectors.THEME_ORDERINGS)}."
        )
    qs = selectors.theme_list(
        status=status or None, board=board or None, ordering=ordering or "-score"
    )
    if q.strip():
        # Best match first unless an ordering was asked for.
        found = _searched(qs, q=q, kind="theme", viewer=request.user)
        qs = found.order_by(*qs.query.order_by) if ordering else found
    return Mapped(qs, ThemeOut.from_theme)


@router.get("/themes/{theme_id}", response=ThemeDetailOut)
def theme_get(request, theme_id: int, page: int = 1):
    """A theme with one page of its posts (``THEME_PAGE_POSTS``), most similar to
    the theme first; ``page`` asks for the next ones (``post_count`` has them all,
    and ``GET /api/v1/posts?theme=`` lists them in order of posting)."""
    from feedback.services.themes import theme_evidence

    theme = selectors.theme_get(pk=theme_id)
    detail = selectors.theme_detail(theme=theme, viewer=request.user)
    why = theme_evidence(theme=theme, page=page)
    return {
        **ThemeOut.from_theme(theme),
        "posts": [PostOut.from_post(p) for p in why["posts"]],
        "posts_page": why["page"].number,
        "posts_pages": why["page"].paginator.num_pages,
        "score_breakdown": detail["score"].as_dict(),
        "terms": why["terms"],
        "confidence": why["confidence"],
        "related": [
            {
                "id": r["theme"].pk,
                "title": r["theme"].title,
                "score": r["score"],
                "language": r["language"],
                "url": r["theme"].get_absolute_url(),
            }
            for r in why["related"]
        ],
    }


@router.patch("/themes/{theme_id}", response=ThemeOut, auth=auth_methods())
def theme_patch(request, theme_id: int, payload: ThemePatch):
    theme = get_object_or_404(Theme, pk=theme_id)
    triage.require_pm(request.auth)
    if payload.title is not None:
        triage.theme_rename(theme=theme, title=payload.title, by=request.auth)
    if payload.status is not None:
        triage.theme_set_status(theme=theme, status=payload.status, by=request.auth)
    if payload.public_note is not None:
        triage.theme_set_notes(
            theme=theme, public_note=payload.public_note, by=request.auth
        )
    theme.refresh_from_db()
    return ThemeOut.from_theme(theme)


@router.post("/themes/{theme_id}/merge", response=ThemeOut, auth=auth_methods())
def theme_merge(request, theme_id: int, payload: MergeIn):
    source = get_object_or_404(Theme, pk=theme_id)
    triage.require_pm(request.auth)
    into = Theme.objects.filter(pk=payload.into).first()
    if into is None:
        raise HttpError(422, f"into: no theme {payload.into}.")
    try:
        survivor = triage.theme_merge(source=source, into=into, by=request.auth)
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from None
    survivor.refresh_from_db()
    return ThemeOut.from_theme(survivor)


class BacklogEntryOut(Schema):
    rank: int
    previous_rank: int | None
    movement: int | None
    theme: int
    title: str
    status: str
    score: float
    breakdown: ScoreOut
    fan_count: int
    vote_count: int
    post_count: int


class BacklogOut(Schema):
    week: str
    cutoff: datetime
    built_at: datetime
    entry_count: int
    entries: list[BacklogEntryOut]


# Entries of a backlog per response (``limit`` up to the maximum; ``offset`` pages).
BACKLOG_LIMIT = 500
BACKLOG_MAX_LIMIT = 5000


@router.get("/backlogs/{week}", response=BacklogOut)
def backlog_get(
    request, week: str, limit: int = BACKLOG_LIMIT, offset: int = 0
) -> dict:
    """A week's frozen backlog, best rank first: ``limit`` entries from
    ``offset`` (``entry_count`` has them all)."""
    from feedback.week import Week

    if not 1 <= limit <= BACKLOG_MAX_LIMIT or offset < 0:
        raise HttpError(422, f"limit: 1 to {BACKLOG_MAX_LIMIT}; offset: 0 or more.")

    try:
        label = str(Week.parse(week))
    except ValueError as exc:
        raise HttpError(422, str(exc)) from None
    backlog = selectors.backlog_get(week=label)
    entries = selectors.backlog_entries(backlog=backlog)
    return {
        "week": backlog.week,
        "cutoff": backlog.cutoff,
        "built_at": backlog.built_at,
        "entry_count": entries.count(),
        "entries": [
            {
                "rank": e.rank,
                "previous_rank": e.previous_rank,
                "movement": e.movement,
                "theme": e.theme_id,
                "title": e.title,
                "status": e.status,
                "score": e.score,
                "breakdown": e.breakdown,
                "fan_count": e.fan_count,
                "vote_count": e.vote_count,
                "post_count": e.post_count,
            }
            for e in entries[offset : offset + limit]
        ],
    }
