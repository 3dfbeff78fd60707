from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from machina.apps.forum_conversation.models import Post, Topic

from forum.boards import answers, reports
from forum.boards.forms import NotificationPreferenceForm, PostReportForm
from forum.boards.models import Notification, NotificationPreference, PostReport
from forum.boards.notifications import notification_preference_set, notifications_mark_read
from forum.boards.selectors import member_posts
from forum.visibility import can_see_post, is_moderator
from portal.members.member_views import page_of, personal_center_render


def _topic_url(topic, post=None) -> str:
    url = reverse(
        "forum_conversation:topic",
        kwargs={
            "forum_slug": topic.forum.slug,
            "forum_pk": topic.forum_id,
            "slug": topic.slug,
            "pk": topic.pk,
        },
    )
    return f"{url}?post={post.pk}#{post.pk}" if post else url


def _visible_post_or_403(request, pk) -> Post:
    """A post as the topic page shows it: a visible topic's approved post (the same rule per
    post; an unapproved one waits in the moderation queue, not here)."""
    post = get_object_or_404(Post.objects.select_related("topic__forum", "poster"), pk=pk)
    if not (
        post.approved
        and can_see_post(
            user=request.user, post=post, permission_handler=request.forum_permission_handler
        )
    ):
        raise PermissionDenied
    return post


@login_required
@require_POST
def answer_accept(request, pk):
    post = _visible_post_or_403(request, pk)
    answers.answer_accept(
        post=post, by=request.user, permission_handler=request.forum_permission_handler
    )
    messages.success(request, _("The reply is marked as the accepted answer."))
    return redirect(_topic_url(post.topic))


@login_required
@require_POST
def answer_unaccept(request, pk):
    topic = get_object_or_404(Topic.objects.select_related("forum"), pk=pk)
    answers.answer_unaccept(
        topic=topic, by=request.user, permission_handler=request.forum_permission_handler
    )
    return redirect(_topic_url(topic))


@login_required
def post_report(request, pk):
    post = _visible_post_or_403(request, pk)
    handler = request.forum_permission_handler
    if not reports.can_report(user=request.user, post=post, permission_handler=handler):
        raise PermissionDenied
    form = PostReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reports.post_report(
            post=post,
            reporter=request.user,
            reason=form.cleaned_data["reason"],
            comment=form.cleaned_data["comment"],
            permission_handler=handler,
        )
        messages.success(request, _("Thank you: a moderator will review this post."))
        return redirect(_topic_url(post.topic, post))
    return render(request, "boards/post_report.html", {"form": form, "post": post})


@login_required
def report_queue(request):
    if not is_moderator(request.user):
        raise PermissionDenied
    return render(
        request,
        "boards/report_queue.html",
        {"reports": reports.open_reports(), "actions": PostReport.Action.choices},
    )


@login_required
@require_POST
def report_decide(request, pk):
    if not is_moderator(request.user):
        raise PermissionDenied
    report = get_object_or_404(PostReport.objects.select_related("post__topic__forum"), pk=pk)
    decision = request.POST.get("decision", "")
    try:
        if decision == "dismiss":
            reports.report_dismiss(report=report, by=request.user)
            messages.success(request, _("The report was dismissed."))
        elif decision in PostReport.Action.values:
            reports.report_act(report=report, by=request.user, action=decision)
            messages.success(
                request, _("Done: %(action)s.") % {"action": report.get_action_display()}
            )
            if decision == PostReport.Action.EDIT:
                post = report.post
                return redirect(
                    "forum_conversation:post_update",
                    forum_slug=post.topic.forum.slug,
                    forum_pk=post.topic.forum_id,
                    topic_slug=post.topic.slug,
                    topic_pk=post.topic_id,
                    pk=post.pk,
                )
        else:
            messages.error(request, _("Unknown decision."))
    except reports.ReportAlreadyHandled:
        messages.info(request, _("Another moderator has already handled this report."))
    return redirect("boards:report_queue")


@login_required
def notifications(request):
    preference = NotificationPreference.objects.filter(user=request.user).first()
    form = NotificationPreferenceForm(
        request.POST or None,
        initial={"email_on_reply": bool(preference and preference.email_on_reply)},
    )
    if request.method == "POST":
        if "mark_read" in request.POST:
            notifications_mark_read(user=request.user)
        elif form.is_valid():
            notification_preference_set(
                user=request.user, email_on_reply=form.cleaned_data["email_on_reply"]
            )
            messages.success(request, _("Your notification settings are saved."))
        return redirect("boards:notifications")
    items = (
        Notification.objects.filter(recipient=request.user)
        .select_related("topic__forum", "post")
        .order_by("-created_at")[:100]
    )
    return render(request, "boards/notifications.html", {"notifications": items, "form": form})


@login_required
def my_posts(request):
    """/me/posts/: the member's topics and replies, in the personal center."""
    page = page_of(request, member_posts(member=request.user))
    return personal_center_render(request, "posts.html", "posts", page=page)
