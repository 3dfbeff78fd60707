from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "portal.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns and care")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.campaigns.navigation import campaigns_link_register
        from portal.members.events import points_event_register

        points_event_register(code="birthday", label=_("Birthday (once a year)"), app=self.label)
        campaigns_link_register()
