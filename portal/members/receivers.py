"""Signal receivers: they only call services."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="portal_profile_for_user")
def create_member_profile(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from portal.members.profiles import member_profile_ensure

        member_profile_ensure(user=instance)
