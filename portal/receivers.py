"""Signal receivers: they only call services."""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from machina.apps.forum_conversation.models import Post


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="portal_profile_for_user")
def create_member_profile(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from portal.services import member_profile_ensure

        member_profile_ensure(user=instance)


@receiver(post_save, sender=Post, dispatch_uid="portal_first_post_points")
def award_first_post(sender, instance, created, raw=False, **kwargs):
    if not created or raw or instance.poster_id is None:
        return

    def award(post_id=instance.pk, member_id=instance.poster_id):
        from portal.models import User
        from portal.points import points_award

        member = User.objects.filter(pk=member_id).first()
        if member is not None:
            points_award(
                member=member,
                rule_code="first_post",
                source_key=f"member:{member_id}",
                source=Post.objects.filter(pk=post_id).first(),
            )

    transaction.on_commit(award)
