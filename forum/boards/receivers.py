from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from machina.apps.forum_conversation.models import Post

from forum.boards.notifications import notifications_for_reply
from forum.boards.posting import member_trust_update
from forum.boards.services import department_board_permissions_ensure, owners_board_ensure
from forum.cases.models import Department
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
