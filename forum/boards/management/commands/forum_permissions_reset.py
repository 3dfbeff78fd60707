from django.core.management.base import BaseCommand

from forum.permissions import forum_permissions_changed


class Command(BaseCommand):
    help = (
        "Drop every member's kept board permissions (FORUM_PERMISSION_CACHE): the next request "
        "of each computes them from the grants. Changes made through the site and the admin do "
        "this by themselves; run it after editing grants or group memberships by hand."
    )

    def handle(self, *args, **options):
        forum_permissions_changed()
        self.stdout.write("forum permissions reset")
