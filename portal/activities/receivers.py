"""Signal receivers: they only call services."""

from django.dispatch import receiver
from wagtail.signals import page_published


@receiver(page_published, dispatch_uid="activities_changes_announce")
def announce_activity_changes(sender, instance, **kwargs):
    from portal.activities.models import ActivityPage
    from portal.activities.services import activity_changes_announce

    if isinstance(instance, ActivityPage):
        activity_changes_announce(activity=instance)
