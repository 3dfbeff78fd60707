from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "portal.messaging"
    label = "messaging"
    verbose_name = _("Messaging")
    default_auto_field = "django.db.models.BigAutoField"
