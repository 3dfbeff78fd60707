"""Signal receivers: they only call services."""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from portal.members.models import (
    HousingProject,
    MemberLevel,
    MemberProfile,
    PointsEntry,
    UnitOwnership,
)
from portal.members.overview import member_overview_all_changed, member_overview_changed


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="portal_profile_for_user")
def create_member_profile(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from portal.members.profiles import member_profile_ensure

        member_profile_ensure(user=instance)


def site_sync(sender, using="default", **kwargs):
    """The Sites framework's site (used by account mails: "Hello from <name>", the domain under
    the signature) carries the club's name and public address from settings, not example.com;
    so does Wagtail's default site, whose address the CMS's mails link pages under (it starts
    as localhost:80). SITE_URL decides: an address edited in the admin is reset at migrate."""
    from urllib.parse import urlsplit

    from django.contrib.sites.models import Site
    from wagtail.models import Site as WagtailSite

    address = urlsplit(settings.SITE_URL)
    domain = address.netloc or "localhost"
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.WAGTAIL_SITE_NAME}
    )
    Site.objects.clear_cache()
    hostname = address.hostname or "localhost"
    port = address.port or (443 if address.scheme == "https" else 80)
    if (
        WagtailSite.objects.using(using)
        .filter(is_default_site=True)
        .update(hostname=hostname, port=port)
    ):
        WagtailSite.clear_site_root_paths_cache()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="portal_overview_user_saved")
@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="portal_overview_user_gone")
def overview_user_changed(sender, instance, **kwargs):
    member_overview_changed(member_id=instance.pk)


@receiver(post_save, sender=MemberProfile, dispatch_uid="portal_overview_profile_saved")
@receiver(post_delete, sender=MemberProfile, dispatch_uid="portal_overview_profile_gone")
def overview_profile_changed(sender, instance, **kwargs):
    member_overview_changed(member_id=instance.user_id)


@receiver(post_save, sender=PointsEntry, dispatch_uid="portal_overview_points_saved")
@receiver(post_delete, sender=PointsEntry, dispatch_uid="portal_overview_points_gone")
@receiver(post_save, sender=UnitOwnership, dispatch_uid="portal_overview_unit_saved")
@receiver(post_delete, sender=UnitOwnership, dispatch_uid="portal_overview_unit_gone")
def overview_member_rows_changed(sender, instance, **kwargs):
    member_overview_changed(member_id=instance.member_id)


@receiver(post_save, sender=HousingProject, dispatch_uid="portal_overview_project_saved")
@receiver(post_delete, sender=HousingProject, dispatch_uid="portal_overview_project_gone")
@receiver(post_save, sender=MemberLevel, dispatch_uid="portal_overview_level_saved")
@receiver(post_delete, sender=MemberLevel, dispatch_uid="portal_overview_level_gone")
def overview_names_changed(sender, instance, **kwargs):
    member_overview_all_changed()
