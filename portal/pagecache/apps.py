from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PageCacheConfig(AppConfig):
    name = "portal.pagecache"
    label = "pagecache"
    verbose_name = _("Page cache")

    def ready(self):
        from portal.pagecache import receivers

        receivers.connect()
        # The holes drawn for each reader (portal.page_holes).
        import forum.boards.holes  # noqa: F401
        import portal.holes  # noqa: F401
