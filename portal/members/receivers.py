"""Signal receivers: they only call services."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="portal_profile_for_user")
def create_member_profile(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from portal.members.profiles import member_profile_ensure

        member_profile_ensure(user=instance)


def site_sync(sender, using="default", **kwargs):
    """The Sites framework's site (used by account mails: "Hello from <name>", the domain under
    the signature) carries the club's name and public address from settings, not example.com."""
    from urllib.parse import urlsplit

    from django.contrib.sites.models import Site

    domain = urlsplit(settings.SITE_URL).netloc or "localhost"
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.WAGTAIL_SITE_NAME}
    )
    Site.objects.clear_cache()
