"""Forum pages: home, board, thread, posting, likes, flags, moderation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from community import selectors
from community.forms import FlagForm, ReplyForm, ThreadForm
from community.models import Flag, Reply, Thread
from community.pagecache import cached_page
from community.ratelimits import RATE_MESSAGE, write_limited
from community.services import forum, moderation
from community.views.common import done


def submit(request, form, *, group: str, setting: str, save, again):
    """The write path every form shares: validate, count the write against its
    rate limit, then ``save(cleaned_data)``, which returns where to go next.

    Redirects there, or answers ``again(status)``: the form once more, its errors
    added and the fan's text kept (400 invalid or refused, 429 rate limited).
    """
    status = 400
    if form.is_valid():
        if write_limited(request, group=group, setting=setting):
            form.add_error(None, RATE_MESSAGE)
            status = 429
        else:
            try:
                return redirect(save(form.cleaned_data))
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(
                    None, exc.messages if hasattr(exc, "messages") else str(exc)
                )
    return again(status)


class HomeView(View):
    def get(self, request):
        return render(
            request, "community/home.html", {"boards": selectors.board_list()}
        )


class BoardView(View):
    def get(self, request, slug):
        board = selectors.board_get(slug=slug)
        return cached_page(
            request, f"board:{board.pk}", lambda: self.render_board(request, board)
        )

    def render_board(self, request, board):
        sort = request.GET.get("sort", "activity")
        if sort not in selectors.BOARD_SORTS:
            sort = "activity"
        tag = request.GET.get("tag") or None
        page = selectors.thread_page(
            board=board,
            viewer=request.user,
            sort=sort,
            tag=tag,
            page=request.GET.get("page", 1),
        )
        context = {
            "board": board,
            "page": page,
            "sort": sort,
            "tag": tag,
            "tags": selectors.board_tags(board=board),
        }
        return render(request, "community/board.html", context)


@method_decorator(login_required, name="dispatch")
class ThreadCreateView(View):
    """New thread form; subclasses swap the form, template and service per board."""

    def form_for(self, board, data=None, files=None, initial=None):
        return ThreadForm(data, initial=initial)

    def template_for(self, board) -> str:
        return "community/thread_new.html"

    def create(self, request, board, data):
        """Write the thread; returns what to redirect to."""
        return forum.thread_create(author=request.user, board=board, **data)

    def initial_for(self, request, board) -> dict:
        return {}

    def get(self, request, slug):
        board = selectors.board_get(slug=slug)
        form = self.form_for(board, initial=self.initial_for(request, board))
        return render(request, self.template_for(board), {"board": board, "form": form})

    def post(self, request, slug):
        board = selectors.board_get(slug=slug)
        form = self.form_for(board, request.POST, request.FILES)
        return submit(
            request,
            form,
            group="post",
            setting="FANLOOP_RATE_POST",
            save=lambda data: self.create(request, board, data),
            again=lambda status: render(
                request,
                self.template_for(board),
                {"board": board, "form": form},
                status=status,
            ),
        )


@method_decorator(login_required, name="dispatch")
class ThreadEditView(View):
    """Its author (or a moderator) edits a thread; subclasses swap the form,
    template and service for pain points, as ``ThreadCreateView`` does."""

    def form_for(self, thread, data=None, files=None, initial=None):
        return ThreadForm(data, initial=initial)

    def template_for(self, thread) -> str:
        return "community/thread_edit.html"

    def initial_for(self, thread) -> dict:
        return {
            "title": thread.title,
            "body": thread.body,
            "tags": ", ".join(name for name, _slug in thread.tag_list),
        }

    def save(self, request, thread, data):
        """Write the change; returns what to redirect to."""
        return forum.thread_edit(thread=thread, by=request.user, **data)

    def _thread(self, request, pk):
        thread = selectors.thread_get_for_fan(pk=pk, viewer=request.user)
        if not forum.thread_can_edit(thread=thread, fan=request.user):
            raise PermissionDenied(_("You cannot edit this post."))
        return thread

    def get(self, request, pk):
        thread = self._thread(request, pk)
        form = self.form_for(thread, initial=self.initial_for(thread))
        return render(
            request, self.template_for(thread), {"thread": thread, "form": form}
        )

    def post(self, request, pk):
        thread = self._thread(request, pk)
        form = self.form_for(thread, request.POST, request.FILES)
        return submit(
            request,
            form,
            group="edit",
            setting="FANLOOP_RATE_POST",
            save=lambda data: self.save(request, thread, data),
            again=lambda status: render(
                request,
                self.template_for(thread),
                {"thread": thread, "form": form},
                status=status,
            ),
        )


@method_decorator(login_required, name="dispatch")
class ReplyEditView(View):
    template_name = "community/reply_edit.html"

    def _reply(self, request, pk):
        reply = get_object_or_404(Reply.objects.select_related("thread"), pk=pk)
        # A fan who cannot see the thread (or the reply) gets a 404, not a 403.
        thread = selectors.thread_get_for_fan(pk=reply.thread_id, viewer=request.user)
        if reply.is_hidden and not request.user.is_moderator:
            raise Http404
        reply.thread = thread
        if not forum.reply_can_edit(reply=reply, thread=thread, fan=request.user):
            raise PermissionDenied(_("You cannot edit this reply."))
        return reply

    def _render(self, request, reply, form, status=200):
        return render(
            request,
            self.template_name,
            {"reply": reply, "thread": reply.thread, "form": form},
            status=status,
        )

    def get(self, request, pk):
        reply = self._reply(request, pk)
        return self._render(request, reply, ReplyForm(initial={"body": reply.body}))

    def post(self, request, pk):
        reply = self._reply(request, pk)
        form = ReplyForm(request.POST)

        def save(data):
            forum.reply_edit(reply=reply, by=request.user, body=data["body"])
            return reply.get_absolute_url()

        return submit(
            request,
            form,
            group="edit",
            setting="FANLOOP_RATE_POST",
            save=save,
            again=lambda status: self._render(request, reply, form, status=status),
        )


@method_decorator(login_required, name="dispatch")
class ThreadHistoryView(View):
    """What an edited thread said before: each earlier version, newest first."""

    def get(self, request, pk):
        thread = selectors.thread_get_for_fan(pk=pk, viewer=request.user)
        if not forum.thread_can_see_history(thread=thread, fan=request.user):
            raise PermissionDenied(
                _("Only moderators, product managers and the author see this.")
            )
        revisions = Paginator(
            thread.revisions.select_related("edited_by").order_by("-edited_at", "-pk"),
            25,
        ).get_page(request.GET.get("page", 1))
        return render(
            request,
            "community/thread_history.html",
            {"thread": thread, "revisions": revisions},
        )


class ThreadView(View):
    template_name = "community/thread.html"

    def get(self, request, pk):
        thread = selectors.thread_get_for_fan(pk=pk, viewer=request.user)
        return self.show(request, thread)

    def show(self, request, thread, status=200, **extra):
        """The thread's page; subclasses add what their boards show."""
        return self.render_thread(request, thread, status=status, **extra)

    def render_thread(self, request, thread, template=None, status=200, **extra):
        replies = selectors.reply_page(
            thread=thread, viewer=request.user, page=request.GET.get("page", 1)
        )
        for reply in replies:
            reply.can_edit = forum.reply_can_edit(
                reply=reply, thread=thread, fan=request.user
            )
        context = {
            "thread": thread,
            "replies": replies,
            "form": ReplyForm(),
            "flag_form": FlagForm(),
            "can_edit": forum.thread_can_edit(thread=thread, fan=request.user),
            "can_see_history": thread.edited_at is not None
            and forum.thread_can_see_history(thread=thread, fan=request.user),
            **extra,
        }
        return render(request, template or self.template_name, context, status=status)


@method_decorator(login_required, name="dispatch")
class ReplyCreateView(View):
    thread_view = None  # the page shown again on failure (default: ThreadView)

    def post(self, request, pk):
        thread = selectors.thread_get_for_fan(pk=pk, viewer=request.user)
        form = ReplyForm(request.POST)

        def save(data):
            reply = forum.reply_create(
                author=request.user, thread=thread, body=data["body"]
            )
            return reply.get_absolute_url()

        # On failure the thread page again, the reply's text kept in its form.
        return submit(
            request,
            form,
            group="reply",
            setting="FANLOOP_RATE_REPLY",
            save=save,
            again=lambda status: (self.thread_view or ThreadView)().show(
                request, thread, status=status, form=form
            ),
        )


@login_required
@require_POST
def thread_like(request, pk):
    thread = selectors.thread_get_for_fan(pk=pk, viewer=request.user)
    if write_limited(request, group="like", setting="FANLOOP_RATE_LIKE"):
        return render(request, "community/ratelimited.html", status=429)
    liked, count = forum.thread_like_toggle(fan=request.user, thread=thread)
    return done(request, thread.get_absolute_url(), liked=liked, count=count)


@login_required
@require_POST
def reply_like(request, pk):
    reply = get_object_or_404(
        Reply.objects.select_related("thread"),
        pk=pk,
        is_hidden=False,
        thread__is_hidden=False,
    )
    if write_limited(request, group="like", setting="FANLOOP_RATE_LIKE"):
        return render(request, "community/ratelimited.html", status=429)
    liked, count = forum.reply_like_toggle(fan=request.user, reply=reply)
    return done(request, reply.get_absolute_url(), liked=liked, count=count)


@login_required
@require_POST
def flag_create(request, kind, pk):
    target = {"thread": None, "reply": None}
    if kind == "thread":
        target["thread"] = selectors.thread_get_for_fan(pk=pk, viewer=request.user)
        url = target["thread"].get_absolute_url()
    else:
        target["reply"] = get_object_or_404(Reply, pk=pk, is_hidden=False)
        url = target["reply"].get_absolute_url()
    form = FlagForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a reason for the report."))
    elif write_limited(request, group="flag", setting="FANLOOP_RATE_FLAG"):
        messages.error(request, RATE_MESSAGE)
    else:
        moderation.flag_create(reporter=request.user, **form.cleaned_data, **target)
        messages.success(request, _("Thanks, a moderator will look at it."))
    return done(request, url, ok=True)


@login_required
@require_POST
def thread_moderate(request, pk, action):
    thread = get_object_or_404(Thread, pk=pk)
    moderation.thread_moderate(thread=thread, action=action, by=request.user)
    return done(request, thread.get_absolute_url(), ok=True)


@login_required
@require_POST
def reply_moderate(request, pk, action):
    reply = get_object_or_404(Reply, pk=pk)
    if action not in {"hide", "unhide"}:
        raise PermissionDenied
    moderation.reply_moderate(reply=reply, hide=action == "hide", by=request.user)
    return done(request, reply.get_absolute_url(), ok=True)


@method_decorator(login_required, name="dispatch")
class ModerationQueueView(View):
    def get(self, request):
        if not selectors.can_moderate(request.user):
            raise PermissionDenied
        page = selectors.flag_queue(page=request.GET.get("page", 1))
        return render(request, "community/moderation.html", {"page": page})

    def post(self, request):
        flag = get_object_or_404(Flag, pk=request.POST.get("flag"))
        moderation.flag_resolve(
            flag=flag, hide=request.POST.get("action") == "hide", by=request.user
        )
        messages.success(request, _("Flag resolved."))
        return redirect("community:moderation")
