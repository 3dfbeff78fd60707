from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "portal.surveys"
    label = "surveys"
    verbose_name = _("Surveys and owners' votes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.members.events import points_event_register
        from portal.surveys import counters  # noqa: F401  (keeps counters on deletions)

        points_event_register(
            code="survey_completed", label=_("Completed a survey"), app=self.label
        )
