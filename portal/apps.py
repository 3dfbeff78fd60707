from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Members")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal import receivers  # noqa: F401
        from portal.pagecache import receivers as pagecache_receivers

        pagecache_receivers.connect()
