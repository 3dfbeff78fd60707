from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardsConfig(AppConfig):
    name = "forum.boards"
    label = "boards"
    verbose_name = _("Boards")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from forum.boards import receivers  # noqa: F401
        from portal.members.events import points_event_register

        points_event_register(code="first_post", label=_("First post in the forum"), app=self.label)
        points_event_register(
            code="accepted_answer", label=_("An answer accepted as the solution"), app=self.label
        )
