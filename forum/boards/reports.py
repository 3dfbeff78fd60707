"""Reports of posts and the moderators' decisions on them (dismiss, hide, edit, lock, warn)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from machina.apps.forum_conversation.models import Post, Topic

from forum.boards.models import PostReport
from forum.boards.notifications import notification_warn
from forum.visibility import can_see_post, is_moderator

REPORT_FORBIDDEN = gettext_lazy("You cannot report this post.")


class ReportAlreadyHandled(Exception):
    pass


def can_report(*, user, post: Post, permission_handler) -> bool:
    return (
        user.is_authenticated
        and post.poster_id != user.pk
        and post.approved
        and can_see_post(user=user, post=post, permission_handler=permission_handler)
    )


@transaction.atomic
def post_report(*, post: Post, reporter, reason: str, comment: str = "", permission_handler):
    if not can_report(user=reporter, post=post, permission_handler=permission_handler):
        raise PermissionDenied(REPORT_FORBIDDEN)
    existing = PostReport.objects.filter(
        post=post, reporter=reporter, status=PostReport.Status.OPEN
    ).first()
    if existing is not None:
        return existing
    report = PostReport(post=post, reporter=reporter, reason=reason, comment=comment)
    report.full_clean()
    report.save()
    return report


def _close(report: PostReport, *, by, status: str, action: str = "") -> PostReport:
    if report.status != PostReport.Status.OPEN:
        raise ReportAlreadyHandled(report.pk)
    report.status = status
    report.action = action
    report.handled_by = by
    report.handled_at = timezone.now()
    report.full_clean()
    report.save()
    # Other open reports of the same post are settled by the same decision.
    PostReport.objects.filter(post=report.post, status=PostReport.Status.OPEN).update(
        status=status, action=action, handled_by=by, handled_at=report.handled_at
    )
    return report


@transaction.atomic
def report_dismiss(*, report: PostReport, by) -> PostReport:
    if not is_moderator(by):
        raise PermissionDenied
    return _close(report, by=by, status=PostReport.Status.DISMISSED)


@transaction.atomic
def report_act(*, report: PostReport, by, action: str) -> PostReport:
    """Apply a moderator's action to the reported post and close the report."""
    if not is_moderator(by):
        raise PermissionDenied
    post = report.post
    if action == PostReport.Action.HIDE:
        # An unapproved post disappears from the topic and waits in machina's approval queue.
        post.approved = False
        post.save()
    elif action == PostReport.Action.LOCK:
        topic = post.topic
        topic.status = Topic.TOPIC_LOCKED
        topic.save()
    elif action == PostReport.Action.WARN:
        if post.poster_id:
            notification_warn(
                recipient=post.poster,
                post=post,
                message=_("A moderator warned you about your post in “%(subject)s”: %(reason)s")
                % {"subject": post.topic.subject, "reason": report.get_reason_display()},
            )
    elif action != PostReport.Action.EDIT:
        raise ValueError(action)
    return _close(report, by=by, status=PostReport.Status.ACTED, action=action)


def open_reports():
    return (
        PostReport.objects.filter(status=PostReport.Status.OPEN)
        .select_related("post__topic__forum", "post__poster", "reporter")
        .order_by("created_at")
    )
