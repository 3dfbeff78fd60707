from django.core.management.base import BaseCommand

from forum.author_counts import author_counts_changed
from forum.permissions import forum_permissions_changed


class Command(BaseCommand):
    help = (
        "Drop every member's kept board permissions and roles (FORUM_PERMISSION_CACHE) and the "
        "kept authors' post counts (FORUM_AUTHOR_COUNTS_CACHE): the next request computes them "
        "from the database. Changes made through the site and the admin do this by themselves; "
        "run it after editing grants, group memberships, posts or topics by hand."
    )

    def handle(self, *args, **options):
        forum_permissions_changed()
        author_counts_changed()
        self.stdout.write("forum permissions reset")
