from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "forum.insight"
    label = "insight"
    verbose_name = _("Recurring issues and improvements")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from forum.cases.reports import report_panel_register
        from forum.insight.navigation import improvements_link_register
        from forum.insight.report_panel import recurring_report_panel

        report_panel_register(recurring_report_panel)
        improvements_link_register()
