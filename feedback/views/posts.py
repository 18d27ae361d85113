"""Feedback boards: pain-point posting, thread pages with votes, vote toggling.

These views wrap the community ones (feedback may use community, never the reverse):
feedback URLs are mounted first, and for boards that are not feedback boards they hand
over to the community view unchanged.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from community import selectors as community_selectors
from community.ratelimits import RATE_MESSAGE, write_limited
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
        kind = request.GET.get("kind") or None
        if kind not in PainPoint.Kind.values:
            kind = None
        page = community_selectors.thread_page(
            board=board,
            viewer=request.user,
            sort=sort,
            tag=tag,
            page=request.GET.get("page", 1),
            extra_filter=Q(painpoint__kind=kind) if kind else None,
        )
        selectors.attach_painpoints(list(page.object_list), viewer=request.user)
        context = {
            "board": board,
            "page": page,
            "sort": sort,
            "tag": tag,
            "kind": kind,
            "kinds": PainPoint.Kind.choices,
            "tags": community_selectors.board_tags(board=board),
        }
        return render(request, "feedback/board.html", context)


@method_decorator(login_required, name="dispatch")
class PainPointCreateView(forum.ThreadCreateView):
    template_name = "feedback/post_new.html"

    def get(self, request, slug):
        board = community_selectors.board_get(slug=slug)
        if not board.is_feedback:
            return super().get(request, slug)
        initial = {
            "device_model": request.user.device_list[:1]
            and request.user.device_list[0]
            or ""
        }
        return render(
            request,
            self.template_name,
            {"board": board, "form": PainPointForm(initial=initial)},
        )

    def post(self, request, slug):
        board = community_selectors.board_get(slug=slug)
        if not board.is_feedback:
            return super().post(request, slug)
        form = PainPointForm(request.POST, request.FILES)
        limited = False
        if form.is_valid():
            limited = write_limited(request, group="post", setting="FANLOOP_RATE_POST")
            if limited:
                form.add_error(None, RATE_MESSAGE)
            else:
                try:
                    post = posts.painpoint_create(
                        author=request.user, board=board, **form.cleaned_data
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    return redirect(post.thread)
        return render(
            request,
            self.template_name,
            {"board": board, "form": form},
            status=429 if limited else 400,
        )


class ThreadView(forum.ThreadView):
    def get(self, request, pk):
        thread = community_selectors.thread_get_for_fan(pk=pk, viewer=request.user)
        post = None
        if thread.board.is_feedback:
            post = selectors.painpoint_for_thread(thread=thread, viewer=request.user)
        if post is None:
            return self.render_thread(request, thread)
        return self.render_thread(request, thread, "feedback/thread.html", post=post)


@login_required
@require_POST
def vote_toggle(request, pk):
    post = selectors.painpoint_get(pk=pk, viewer=request.user)
    if write_limited(request, group="vote", setting="FANLOOP_RATE_LIKE"):
        return render(request, "community/ratelimited.html", status=429)
    voted = votes.vote_toggle(fan=request.user, post=post)
    counts = votes.counts_for(post.pk)
    return done(request, post.thread.get_absolute_url(), voted=voted, **counts)
