"""Creating and editing pain points: a community thread plus structure, a vector
and a theme."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Board, Fan
from community.services.forum import thread_can_edit, thread_create, thread_edit
from feedback.models import Attachment, PainPoint, Theme
from feedback.services.counters import theme_recount
from feedback.services.index import index_changed
from feedback.services.themes import post_assign, post_encode

IMAGE_TYPES = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "GIF": "image/gif",
    "WEBP": "image/webp",
}
LOG_SUFFIXES = (".txt", ".log")


def validate_attachment(upload: UploadedFile) -> tuple[str, str]:
    """Return (kind, content type) for an acceptable file, or raise with a reason.

    Images are checked by decoding them with Pillow, not by trusting the name or the
    browser's content type; logs must be plain UTF-8 text.
    """
    name = upload.name or "file"
    lower = name.lower()
    if lower.endswith(LOG_SUFFIXES):
        if upload.size > settings.FANLOOP_MAX_LOG_BYTES:
            raise ValidationError(
                _("%(name)s is too large: logs may be at most %(max)d KB.")
                % {"name": name, "max": settings.FANLOOP_MAX_LOG_BYTES // 1024}
            )
        head = upload.read(4096)
        upload.seek(0)
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            if b"\x00" in head:
                raise ValidationError(
                    _("%(name)s is not a text log file.") % {"name": name}
                ) from None
        return Attachment.Kind.LOG, "text/plain"
    if upload.size > settings.FANLOOP_MAX_IMAGE_BYTES:
        raise ValidationError(
            _("%(name)s is too large: screenshots may be at most %(max)d MB.")
            % {"name": name, "max": settings.FANLOOP_MAX_IMAGE_BYTES // (1024 * 1024)}
        )
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload) as image:
            image.verify()
            fmt = image.format
    except (UnidentifiedImageError, OSError, SyntaxError):
        fmt = None
    upload.seek(0)
    if fmt not in IMAGE_TYPES:
        raise ValidationError(
            _(
                "%(name)s is not an allowed file: attach PNG, JPEG, GIF or WebP "
                "screenshots, or .txt/.log files."
            )
            % {"name": name}
        )
    return Attachment.Kind.IMAGE, IMAGE_TYPES[fmt]


def _checked_files(files: list[UploadedFile], *, already: int = 0) -> list[tuple]:
    """Each upload with its kind and content type, once the count (with the
    ``already`` attached ones) and every file pass; ValidationError otherwise."""
    limit = settings.FANLOOP_MAX_ATTACHMENTS
    if files and already + len(files) > limit:
        raise ValidationError(_("Attach at most %(n)d files.") % {"n": limit})
    return [(f, *validate_attachment(f)) for f in files]


def _attach(post: PainPoint, checked: list[tuple]) -> None:
    for upload, file_kind, content_type in checked:
        Attachment.objects.create(
            post=post,
            file=upload,
            kind=file_kind,
            name=upload.name[:200],
            size=upload.size,
            content_type=content_type,
        )


def _structure(**fields) -> dict:
    """A pain point's structured fields, trimmed as they are stored."""
    fields["device_model"] = fields["device_model"].strip()[: PainPoint.DEVICE_MAX]
    fields["os_version"] = fields["os_version"].strip()[: PainPoint.VERSION_MAX]
    return fields


def painpoint_create(
    *,
    author: Fan,
    board: Board,
    kind: str,
    title: str,
    body: str,
    device_model: str = "",
    os_version: str = "",
    reproducibility: str = "",
    severity: int = PainPoint.Severity.MEDIUM,
    steps: str = "",
    expected: str = "",
    actual: str = "",
    tags: Iterable[str] = (),
    attachments: Iterable[UploadedFile] = (),
) -> PainPoint:
    if not board.is_feedback:
        raise ValidationError(_("Pain points are posted in feedback boards."))
    if kind not in PainPoint.Kind.values:
        raise ValidationError(_("Choose bug, suggestion or complaint."))
    checked = _checked_files(list(attachments))
    # Encoding takes milliseconds of CPU (none when the form's suggestions already
    # encoded these words): do it before taking the write lock. (On a helper
    # thread beside the writes it would hold SQLite's lock meanwhile.)
    vector = post_encode(title=title, body=body)
    with transaction.atomic():
        thread = thread_create(
            author=author, board=board, title=title, body=body, tags=tags
        )
        post = PainPoint.objects.create(
            thread=thread,
            created_at=thread.created_at,
            **_structure(
                kind=kind,
                device_model=device_model,
                os_version=os_version,
                reproducibility=reproducibility,
                severity=severity,
                steps=steps,
                expected=expected,
                actual=actual,
            ),
        )
        _attach(post, checked)
        post.thread = thread
        post_assign(post=post, vector=vector)
    return post


def painpoint_edit(
    *,
    post: PainPoint,
    by: Fan,
    title: str | None = None,
    body: str | None = None,
    tags: Iterable[str] | None = None,
    attachments: Iterable[UploadedFile] = (),
    **changes,
) -> PainPoint:
    """Its author (or a moderator) changes a pain point: the title, text, tags
    and structured fields (``PainPoint.STRUCTURE_FIELDS``) given; the others stay.
    New files are added.

    The post stays in its theme (a fan's edit is not a reason to move votes
    around; ``recluster`` reconsiders it with every other unpinned post); a theme
    still named after the post follows its new title. When the title or text
    changes, the post is encoded again and its ``revision`` bumped, so every
    process's index replaces its vector and terms.
    """
    unknown = set(changes) - set(PainPoint.STRUCTURE_FIELDS)
    if unknown:
        raise TypeError(f"painpoint_edit() got unknown fields {sorted(unknown)}")
    thread = post.thread
    if not thread_can_edit(thread=thread, fan=by):
        raise PermissionDenied(_("You cannot edit this post."))
    title = thread.title if title is None else title
    body = thread.body if body is None else body
    structured = _structure(
        **{f: changes.get(f, getattr(post, f)) for f in PainPoint.STRUCTURE_FIELDS}
    )
    if structured["kind"] not in PainPoint.Kind.values:
        raise ValidationError(_("Choose bug, suggestion or complaint."))
    files = list(attachments)
    checked = _checked_files(files, already=post.attachments.count() if files else 0)
    vector = None
    if title.strip() != thread.title or body != thread.body:
        vector = post_encode(title=title, body=body)  # before the write lock
    with transaction.atomic():
        edited_before, old_title = thread.edited_at, thread.title
        thread_edit(thread=thread, by=by, title=title, body=body, tags=tags)
        if thread.title != old_title and post.theme_id:
            # A theme still named after this post (as a new post's theme is, until
            # re-clustering labels it or a PM renames it) takes the new title.
            theme = Theme.objects.filter(
                pk=post.theme_id, title_locked=False, title=old_title[:200]
            ).first()
            if theme is not None:
                theme.title = thread.title[:200]
                theme.save(update_fields=["title"])  # re-indexed for search
        changed = [f for f, v in structured.items() if getattr(post, f) != v]
        for field in changed:
            setattr(post, field, structured[field])
        if vector is not None:
            # The text changed: the index's terms (title and body) must follow
            # even when the vector (the title, mostly) did not.
            post.vector = vector
            post.revision += 1
            changed += ["vector", "revision"]
            index_changed()
        if changed:
            post.save(update_fields=changed)
        _attach(post, checked)
        if (changed or checked) and thread.edited_at == edited_before:
            thread.edited_at = timezone.now()
            thread.save(update_fields=["edited_at"])
        if changed and post.theme_id:
            theme_recount(theme_id=post.theme_id)  # severity, devices, versions
    return post
