from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from machina.apps.forum_conversation.models import Post, Topic
from machina.apps.forum_permission.models import (
    ForumPermission,
    GroupForumPermission,
    UserForumPermission,
)
from machina.apps.forum_tracking.models import ForumReadTrack, TopicReadTrack

from forum.author_counts import author_counts_changed
from forum.boards.models import Notification, TopicVisibility
from forum.boards.notifications import notifications_for_reply
from forum.boards.posting import member_trust_update
from forum.boards.services import department_board_permissions_ensure, owners_board_ensure
from forum.cases.models import Case, Department
from forum.permissions import forum_permissions_changed
from forum.reader_state import reader_state_changed
from portal.members.models import User
from portal.members.points import points_event_pay
from portal.members.signals import housing_project_ensured


@receiver(post_save, sender=Post, dispatch_uid="boards_post_saved")
def post_saved(sender, instance: Post, created: bool, raw: bool = False, **kwargs):
    if raw:
        return
    post_id = instance.pk

    def after_commit():
        post = Post.objects.select_related("topic__forum", "poster").filter(pk=post_id).first()
        if post is None:
            return
        if created and post.poster_id:
            # Authors follow their own topics and replies: they hear of the answers.
            post.topic.subscribers.add(post.poster)
        if post.approved:
            member_trust_update(user=post.poster)
            notifications_for_reply(post=post)

    transaction.on_commit(after_commit)


@receiver(post_save, sender=Post, dispatch_uid="boards_first_post_points")
def award_first_post(sender, instance: Post, created: bool, raw: bool = False, **kwargs):
    """A member's first post pays the ``first_post`` points rule (once: keyed by member)."""
    if not created or raw or instance.poster_id is None:
        return

    def award(post_id=instance.pk, member_id=instance.poster_id):
        member = User.objects.filter(pk=member_id).first()
        if member is not None:
            points_event_pay(
                member=member,
                event="first_post",
                source_key=f"member:{member_id}",
                source=Post.objects.filter(pk=post_id).first(),
            )

    transaction.on_commit(award)


@receiver(post_save, sender=Department, dispatch_uid="boards_department_saved")
def department_saved(sender, instance: Department, raw: bool = False, **kwargs):
    if not raw:
        department_board_permissions_ensure(department=instance)


@receiver(housing_project_ensured, dispatch_uid="boards_owners_board_for_project")
def project_ensured(sender, project, **kwargs):
    owners_board_ensure(project=project)


# Whatever a user's board permissions and roles (forum/reader_facts.py) are computed from: the
# grants, the permissions, the groups and who is in them, the departments' staff groups and
# heads; and Django's own permissions (the rows, the groups' and the users' own, kept per user by
# portal/auth_backends.py). A deleted user's pk may come back on SQLite, with the old entry.
PERMISSION_SOURCES = (
    ForumPermission,
    UserForumPermission,
    GroupForumPermission,
    Group,
    User,
    Department,
    Permission,
)


def _permission_source_changed(sender, **kwargs):
    forum_permissions_changed()


def _groups_changed(sender, action: str, **kwargs):
    if action.startswith("post_"):
        forum_permissions_changed()


for _model in PERMISSION_SOURCES:
    _label = _model._meta.label_lower
    if _model is not User:  # a user's own fields are not part of the stored answers
        post_save.connect(
            _permission_source_changed, sender=_model, dispatch_uid=f"forum_perms_saved_{_label}"
        )
    post_delete.connect(
        _permission_source_changed, sender=_model, dispatch_uid=f"forum_perms_deleted_{_label}"
    )
m2m_changed.connect(
    _groups_changed, sender=User.groups.through, dispatch_uid="forum_perms_user_groups"
)
m2m_changed.connect(
    _groups_changed, sender=Department.heads.through, dispatch_uid="forum_perms_department_heads"
)
m2m_changed.connect(
    _groups_changed, sender=Group.permissions.through, dispatch_uid="forum_perms_group_permissions"
)
m2m_changed.connect(
    _groups_changed,
    sender=User.user_permissions.through,
    dispatch_uid="forum_perms_user_permissions",
)


# Whatever an author's visible post count is computed from (forum/author_counts.py): posts and
# their approval, topics (approval, board, author), private complaints and their department.
# A deleted user's posts go with them (each sends post_delete).
AUTHOR_COUNT_SOURCES = (Post, Topic, TopicVisibility, Case)


def _author_count_source_changed(sender, **kwargs):
    author_counts_changed()


for _model in AUTHOR_COUNT_SOURCES:
    _label = _model._meta.label_lower
    post_save.connect(
        _author_count_source_changed, sender=_model, dispatch_uid=f"author_counts_saved_{_label}"
    )
    post_delete.connect(
        _author_count_source_changed,
        sender=_model,
        dispatch_uid=f"author_counts_deleted_{_label}",
    )


# What is kept per reader (forum/reader_state.py): their unread notifications, the topics they
# follow, their read marks. Each change of those rows replaces that reader's part.
def _notification_changed(sender, instance: Notification, raw: bool = False, **kwargs):
    reader_state_changed(user_id=instance.recipient_id, part="notifications")


post_save.connect(_notification_changed, sender=Notification, dispatch_uid="reader_notifications")
post_delete.connect(
    _notification_changed, sender=Notification, dispatch_uid="reader_notifications_deleted"
)


def _subscriptions_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:  # user.topic_subscriptions.add(…): the instance is the reader
        user_ids = [instance.pk]
    elif action == "pre_clear":  # the topic's subscribers, before they are gone
        user_ids = list(
            sender.objects.filter(topic_id=instance.pk).values_list("user_id", flat=True)
        )
    else:
        user_ids = list(pk_set or ())
    for user_id in user_ids:
        reader_state_changed(user_id=user_id, part="subscriptions")


m2m_changed.connect(
    _subscriptions_changed, sender=Topic.subscribers.through, dispatch_uid="reader_subscriptions"
)


def _read_mark_changed(sender, instance, raw: bool = False, **kwargs):
    reader_state_changed(user_id=instance.user_id, part="reads")


for _model in (ForumReadTrack, TopicReadTrack):
    _label = _model._meta.label_lower
    post_save.connect(_read_mark_changed, sender=_model, dispatch_uid=f"reader_reads_{_label}")
    post_delete.connect(
        _read_mark_changed, sender=_model, dispatch_uid=f"reader_reads_deleted_{_label}"
    )
