from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "forum.cases"
    label = "cases"
    verbose_name = _("Cases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from forum.cases import receivers  # noqa: F401
        from forum.cases.navigation import desk_link_register, triage_link_register

        triage_link_register()
        desk_link_register()
        from portal.members.events import points_event_register

        points_event_register(
            code="case_rated", label=_("Rated how a complaint was resolved"), app=self.label
        )
        points_event_register(
            code="suggestion_adopted", label=_("A suggestion was adopted"), app=self.label
        )
