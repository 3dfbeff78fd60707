from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardsConfig(AppConfig):
    name = "forum.boards"
    label = "boards"
    verbose_name = _("Boards")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core.signals import request_finished

        from forum.boards import receivers  # noqa: F401
        from forum.reader_state import reader_state_forget_read
        from portal.members.events import points_event_register

        points_event_register(code="first_post", label=_("First post in the forum"), app=self.label)
        points_event_register(
            code="accepted_answer", label=_("An answer accepted as the solution"), app=self.label
        )
        request_finished.connect(reader_state_forget_read, dispatch_uid="reader_state_read_here")
