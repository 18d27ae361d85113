"""Feedback boards: pain-point posting, thread pages with votes, vote toggling.

These views wrap the community ones (feedback may use community, never the reverse):
feedback URLs are mounted first, and for boards that are not feedback boards they hand
over to the community view unchanged.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community import selectors as community_selectors
from community.ratelimits import write_limited
from community.views import forum
from community.views.common import done
from feedback import selectors
from feedback.forms import PainPointForm
from feedback.models import PainPoint
from feedback.services import posts, votes


class BoardView(forum.BoardView):
    def render_board(self, request, board):
        if not board.is_feedback:
            return super().render_board(request, board)
        sort = request.GET.get("sort", "activity")
        if sort not in community_selectors.BOARD_SORTS:
            sort = "activity"
        tag = request.GET.get("tag") or None
        # Unknown values are ignored, as a link from another page may carry them.
        get = request.GET.get
        chosen = {
            "kind": get("kind") if get("kind") in PainPoint.Kind.values else None,
            "device": (get("device") or "").strip()[:80] or None,
            "version": (get("version") or "").strip()[:40] or None,
            "reproducibility": get("repro")
            if get("repro") in PainPoint.Reproducibility.values
            else None,
            "severity": int(get("severity"))
            if get("severity") in {str(v) for v in PainPoint.Severity.values}
            else None,
        }
        page = community_selectors.thread_page(
            board=board,
            viewer=request.user,
            sort=sort,
            tag=tag,
            page=request.GET.get("page", 1),
            extra_filter=selectors.painpoint_filter(**chosen),
        )
        selectors.attach_painpoints(list(page.object_list), viewer=request.user)
        context = {
            "board": board,
            "page": page,
            "sort": sort,
            "tag": tag,
            "kind": chosen["kind"],
            "kinds": PainPoint.Kind.choices,
            "chosen": chosen,
            "filtered": any(v for k, v in chosen.items() if k != "kind"),
            "facets": selectors.board_facets(board=board),
            "repros": PainPoint.Reproducibility.choices,
            # Short names: the choices' labels are too long for a filter.
            "severities": list(
                zip(
                    PainPoint.Severity.values,
                    (_("Low"), _("Medium"), _("High"), _("Critical")),
                    strict=True,
                )
            ),
            "tags": community_selectors.board_tags(board=board),
        }
        return render(request, "feedback/board.html", context)


class PainPointCreateView(forum.ThreadCreateView):
    """In feedback boards a new thread is a pain point with structured fields."""

    def form_for(self, board, data=None, files=None, initial=None):
        if not board.is_feedback:
            return super().form_for(board, data, files, initial)
        return PainPointForm(data, files, initial=initial)

    def template_for(self, board) -> str:
        if not board.is_feedback:
            return super().template_for(board)
        return "feedback/post_new.html"

    def initial_for(self, request, board) -> dict:
        devices = request.user.device_list
        return {"device_model": devices[0]} if devices else {}

    def create(self, request, board, data):
        if not board.is_feedback:
            return super().create(request, board, data)
        return posts.painpoint_create(author=request.user, board=board, **data).thread


class PainPointEditView(forum.ThreadEditView):
    """Its author (or a moderator) edits a pain point's text and structure and
    may add files; other threads are edited as plain threads."""

    def _post(self, thread):
        """The thread's pain point (None in other boards), read once a request."""
        if not hasattr(thread, "edited_post"):
            thread.edited_post = (
                PainPoint.objects.filter(pk=thread.pk).first()
                if thread.board.is_feedback
                else None
            )
        return thread.edited_post

    def form_for(self, thread, data=None, files=None, initial=None):
        post = self._post(thread)
        if post is None:
            return super().form_for(thread, data, files, initial)
        form = PainPointForm(data, files, initial=initial)
        room = settings.FANLOOP_MAX_ATTACHMENTS - post.attachments.count()
        if room <= 0:
            del form.fields["attachments"]
        else:
            field = form.fields["attachments"]
            field.label = _("Add screenshots or logs")
            field.help_text = _(
                "PNG, JPEG, GIF, WebP up to 5 MB; .txt/.log up to 2 MB; "
                "%(n)d more files."
            ) % {"n": room}
        return form

    def template_for(self, thread) -> str:
        if self._post(thread) is None:
            return super().template_for(thread)
        return "feedback/post_edit.html"

    def initial_for(self, thread) -> dict:
        initial = super().initial_for(thread)
        post = self._post(thread)
        if post is not None:
            for field in PainPoint.STRUCTURE_FIELDS:
                initial[field] = getattr(post, field)
        return initial

    def save(self, request, thread, data):
        post = self._post(thread)
        if post is None:
            return super().save(request, thread, data)
        post.thread = thread
        posts.painpoint_edit(post=post, by=request.user, **data)
        return thread.get_absolute_url()


class ThreadView(forum.ThreadView):
    def show(self, request, thread, status=200, **extra):
        post = None
        if thread.board.is_feedback:
            post = selectors.painpoint_for_thread(thread=thread, viewer=request.user)
        if post is None:
            return super().show(request, thread, status=status, **extra)
        return self.render_thread(
            request, thread, "feedback/thread.html", status=status, post=post, **extra
        )


class ReplyCreateView(forum.ReplyCreateView):
    """A refused reply in a feedback board shows the pain point's page again."""

    thread_view = ThreadView


@login_required
@require_POST
def vote_toggle(request, pk):
    post = selectors.painpoint_get(pk=pk, viewer=request.user)
    if write_limited(request, group="vote", setting="FANLOOP_RATE_LIKE"):
        return render(request, "community/ratelimited.html", status=429)
    voted = votes.vote_toggle(fan=request.user, post=post)
    counts = votes.counts_for(post.pk)
    return done(request, post.thread.get_absolute_url(), voted=voted, **counts)
