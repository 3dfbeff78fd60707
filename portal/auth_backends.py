"""Django's model permissions, kept per user between requests.

Every page a member sees asks Django's permissions a few times (the header's staff links, the
personal center's menu, Wagtail's and machina's checks), and ``ModelBackend`` reads them with two
queries per request (the user's own permissions and their groups'). What they are computed from
— the user's groups, the groups' permissions, the user's own permissions, the permission rows —
replaces the permissions version (``forum.permissions_version``, connected in
``forum/boards/receivers.py``), so the set is kept as one of the reader's facts
(``forum.reader_facts``): read with the reader's other facts in the same cache round trip, used
only while that version stands, and not kept at all with ``FORUM_PERMISSION_CACHE`` off.

The user's own flags are read from the user row of the request, as Django does: an inactive
user has no permissions, and a superuser's set (every permission) is kept under another name, so
taking the flag away never leaves the full set in use.
"""

from django.contrib.auth.backends import ModelBackend

from forum.reader_facts import reader_fact


class KeptPermissionsBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            name = "django_permissions_superuser" if user_obj.is_superuser else "django_permissions"
            kept = reader_fact(
                user_obj, name, lambda: frozenset(ModelBackend.get_all_permissions(self, user_obj))
            )
            user_obj._perm_cache = set(kept)
        return user_obj._perm_cache
