from django.core.management.base import BaseCommand

from portal.pagecache.services import page_cache_invalidate


class Command(BaseCommand):
    help = (
        "Drop every page cached for visitors and kept for members (the next reader of each "
        "page gets it freshly rendered). Changes made through the site and the admin do this "
        "by themselves; run it after editing the database by hand or deploying new templates."
    )

    def handle(self, *args, **options):
        page_cache_invalidate()
        self.stdout.write("page cache cleared")
