from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "portal.activities"
    label = "activities"
    verbose_name = _("Activities")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.activities import receivers  # noqa: F401
        from portal.activities.navigation import activities_link_register
        from portal.members.events import points_event_register

        points_event_register(
            code="activity_attended", label=_("Attended a club activity"), app=self.label
        )
        activities_link_register()
