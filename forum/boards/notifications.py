"""Notifications: a reply in a followed topic reaches its subscribers on the site and, if they
opted in, by email (sent by a background task after the transaction commits).

Only subscribers who may still see the topic (forum.visibility) are notified: a private
complaint's notifications go to its author, moderators and the routed department's staff alone.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from machina.apps.forum_conversation.models import Post

from forum.boards.models import Notification, NotificationPreference
from forum.permissions import ClubPermissionHandler
from forum.reader_state import reader_state, reader_state_changed


def notifications_for_reply(*, post: Post) -> list[Notification]:
    """Create the on-site notifications of an approved reply, once; queue the emails."""
    topic = post.topic
    first_post_id = topic.posts.order_by("created").values_list("pk", flat=True).first()
    if not post.approved or post.pk == first_post_id:
        return []
    if Notification.objects.filter(post=post, kind=Notification.Kind.REPLY).exists():
        return []
    handler = ClubPermissionHandler()
    recipients = [
        user
        for user in topic.subscribers.exclude(pk=post.poster_id).filter(is_active=True)
        if handler.can_read_forum(topic.forum, user) and handler.can_see_topic(topic, user)
    ]
    message = _("%(name)s replied in “%(subject)s”") % {
        "name": post.poster.public_name if post.poster else post.username,
        "subject": topic.subject,
    }
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=Notification.Kind.REPLY,
            topic=topic,
            post=post,
            message=message[:300],
        )
        for user in recipients
    )
    for user in recipients:  # bulk_create sends no post_save
        reader_state_changed(user_id=user.pk, part="notifications")
    email_ids = set(
        NotificationPreference.objects.filter(user__in=recipients, email_on_reply=True).values_list(
            "user_id", flat=True
        )
    )
    for notification in notifications:
        if notification.recipient_id in email_ids and notification.recipient.email:
            pk = notification.pk

            def enqueue(pk=pk):
                from forum.boards.tasks import send_notification_email

                send_notification_email.enqueue(notification_id=pk)

            transaction.on_commit(enqueue)
    return notifications


def notification_warn(*, recipient, post: Post | None, message: str) -> Notification:
    notification = Notification(
        recipient=recipient,
        kind=Notification.Kind.WARNING,
        topic=post.topic if post else None,
        post=post,
        message=message[:300],
    )
    notification.full_clean()
    notification.save()
    return notification


def notification_case_update(*, recipient, topic, message: str) -> Notification:
    """Tell a member on site that the case of their topic moved (status, department, due)."""
    notification = Notification(
        recipient=recipient, kind=Notification.Kind.CASE, topic=topic, message=message[:300]
    )
    notification.full_clean()
    notification.save()
    return notification


def unread_count(*, user) -> int:
    """The reader's unread notifications, kept per reader (forum.reader_state)."""
    if not user.is_authenticated:
        return 0
    return reader_state(
        user,
        "notifications",
        lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    )


def notifications_mark_read(*, user) -> int:
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    reader_state_changed(user_id=user.pk, part="notifications")  # update() sends no post_save
    return marked


def notification_preference_set(*, user, email_on_reply: bool) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    preference.email_on_reply = email_on_reply
    preference.full_clean()
    preference.save()
    return preference
