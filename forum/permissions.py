"""machina's permission handler, taught the topic-level rules of forum.visibility.

machina decides per forum; a private complaint or an unapproved topic lives in a forum the reader
may read, so every check about one topic (replying, editing, subscribing, voting) also asks
forum.visibility. The handler is built once per request by portal.middleware.

machina's checker computes a user's permissions from the grant tables with two queries each
time it is asked about a board or a list of boards, several times a page. Its answers depend
only on the user (their pk, or "anonymous"), their groups, the grant rows and the boards asked
about, so they are kept (``FORUM_PERMISSION_CACHE``, on by default): for the request in the
handler, and across requests in the default cache, one entry per user holding every answer
computed so far with the permissions version it was computed under. The version is replaced
whenever a grant, a permission or a group membership changes (``forum_permissions_changed``,
connected in forum/boards/receivers.py) — at once and again after the commit — so a change
takes effect on the next request. The answers are machina's own: each is stored under exactly
the boards (in order) and codenames it was computed for.
"""

import functools
import hashlib
import importlib.metadata
import uuid

from django.conf import settings
from django.core.cache import cache
from machina.apps.forum_permission.checker import ForumPermissionChecker
from machina.apps.forum_permission.handler import PermissionHandler
from mptt.utils import get_cached_trees

from forum import visibility
from forum.permissions_version import (  # noqa: F401 - forum_permissions_changed lives here too
    PERMISSIONS_TIMEOUT,
    PERMISSIONS_VERSION_KEY,
    forum_permissions_changed,
)
from forum.reader_facts import reader_fact

_MACHINA_VERSION = importlib.metadata.version("django-machina")
PERMISSIONS_KEY_PREFIX = "forum:permissions:user:"
# The stored answers' key for visitors (members are keyed by their id).
VISITOR_KEY = "anonymous"


@functools.lru_cache(maxsize=4)
def _rules_signature_for(rules: str) -> str:
    return hashlib.sha256(rules.encode()).hexdigest()


def _rules_signature() -> str:
    """What else the answers follow: machina's code and the default grants for members. A
    deployment that changes either starts from fresh entries, whatever the cache still holds."""
    rules = (
        _MACHINA_VERSION,
        sorted(settings.MACHINA_DEFAULT_AUTHENTICATED_USER_FORUM_PERMISSIONS),
    )
    return _rules_signature_for(repr(rules))


def _permissions_key(user_key: str) -> str:
    return f"{PERMISSIONS_KEY_PREFIX}{_rules_signature()}:{user_key}"


class _UserPermissions:
    """One user's stored answers: read once per request, written back when it learnt more."""

    def __init__(self, user_key: str, found: dict | None = None):
        self.key = _permissions_key(user_key)
        if found is None:
            found = cache.get_many([self.key, PERMISSIONS_VERSION_KEY])
        self.version = found.get(PERMISSIONS_VERSION_KEY)
        if self.version is None:
            cache.add(PERMISSIONS_VERSION_KEY, uuid.uuid4().hex, timeout=None)
            self.version = cache.get(PERMISSIONS_VERSION_KEY)
        stored = found.get(self.key)
        valid = stored is not None and self.version is not None and stored[0] == self.version
        self.answers: dict = stored[1] if valid else {}
        self.dirty = False

    def save(self) -> None:
        if self.dirty and self.version is not None:
            cache.set(self.key, (self.version, self.answers), timeout=PERMISSIONS_TIMEOUT)
            self.dirty = False


class _RememberingChecker(ForumPermissionChecker):
    """machina's checker, its per-board-list answers kept by the handler."""

    def __init__(self, user, handler):
        super().__init__(user)
        self._handler = handler

    def get_perms_for_forumlist(self, forums, perm_codenames=None):
        key = (
            tuple(f.id if f is not None else None for f in forums),
            tuple(perm_codenames) if perm_codenames else None,
        )
        stored = self._handler._permissions_for(self.user)
        if key in stored.answers:
            answer = stored.answers[key]
        else:
            computed = super().get_perms_for_forumlist(forums, perm_codenames)
            answer = tuple(frozenset(computed[f]) for f in forums)
            stored.answers[key] = answer
            stored.dirty = True
        # A fresh set each time: machina's callers may keep and change what they get.
        return {f: set(answer[index]) for index, f in enumerate(forums)}


class ClubPermissionHandler(PermissionHandler):
    def __init__(self):
        super().__init__()
        self._topic_visibility_cache: dict[tuple, bool] = {}
        self._stored_permissions: dict = {}
        self._readable_forum_ids: dict = {}
        self._top_nodes = None

    # Remembered answers (module docstring)
    def _get_checker(self, user):
        if not settings.FORUM_PERMISSION_CACHE:
            return super()._get_checker(user)
        key = user.id  # None for a visitor, which no member's id can be
        if key not in self._user_perm_checkers_cache:
            self._user_perm_checkers_cache[key] = _RememberingChecker(user, self)
        return self._user_perm_checkers_cache[key]

    @staticmethod
    def _user_key(user) -> str:
        return VISITOR_KEY if user.is_anonymous else str(user.id)

    def _permissions_for(self, user) -> _UserPermissions:
        key = self._user_key(user)
        if key not in self._stored_permissions:
            self._stored_permissions[key] = _UserPermissions(key)
        return self._stored_permissions[key]

    def permissions_keys(self, user) -> list[str]:
        """The cache keys the user's stored answers are read from (to read them with others)."""
        return [_permissions_key(self._user_key(user)), PERMISSIONS_VERSION_KEY]

    def permissions_prefetched(self, user, found: dict) -> None:
        """The user's stored answers for this request from ``found`` (their keys read with
        others)."""
        key = self._user_key(user)
        if settings.FORUM_PERMISSION_CACHE and key not in self._stored_permissions:
            self._stored_permissions[key] = _UserPermissions(key, found)

    def permissions_save(self) -> None:
        """Store what this handler learnt for the next requests (called after the response)."""
        for stored in self._stored_permissions.values():
            stored.save()

    def _get_top_nodes(self):
        # The same rows and order as machina's own query, read once with the forum list.
        if self._top_nodes is None:
            self._top_nodes = get_cached_trees(self._get_all_forums())
        return self._top_nodes

    # Topics
    def can_see_topic(self, topic, user) -> bool:
        key = (topic.pk, user.pk)  # a visitor's pk is None
        if key not in self._topic_visibility_cache:
            self._topic_visibility_cache[key] = visibility.can_see_topic(
                user=user, topic=topic, permission_handler=self
            )
        return self._topic_visibility_cache[key]

    def topic_visible_remember(self, topic, user) -> None:
        """Record that the reader may see the topic, known otherwise (a kept page of it was
        rendered for their kind: portal.pagecache.members)."""
        self._topic_visibility_cache[(topic.pk, user.pk)] = True

    def can_add_post(self, topic, user):
        return super().can_add_post(topic, user) and self.can_see_topic(topic, user)

    def can_edit_post(self, post, user):
        return super().can_edit_post(post, user) and self.can_see_topic(post.topic, user)

    def can_delete_post(self, post, user):
        return super().can_delete_post(post, user) and self.can_see_topic(post.topic, user)

    def can_vote_in_poll(self, poll, user):
        return super().can_vote_in_poll(poll, user) and self.can_see_topic(poll.topic, user)

    def can_subscribe_to_topic(self, topic, user):
        return super().can_subscribe_to_topic(topic, user) and self.can_see_topic(topic, user)

    def can_unsubscribe_from_topic(self, topic, user):
        # Leaving a subscription is always allowed to a subscriber.
        return user.is_authenticated and topic.has_subscriber(user)

    # Moderation
    def can_access_moderation_queue(self, user):
        """machina works out every board's approval right to answer this, for the header of every
        page (32 ms of a member's topic page at 1M posts, profiled). Board rights here come from
        grants only (forum/boards/services.py), so without any grant of can_approve_posts that
        could apply to the user the answer is no, found with one indexed query."""
        if not user.is_superuser and not self._may_be_granted(user, "can_approve_posts"):
            return False
        return super().can_access_moderation_queue(user)

    def _may_be_granted(self, user, codename: str) -> bool:
        from machina.apps.forum_permission.models import UserForumPermission

        defaults = settings.MACHINA_DEFAULT_AUTHENTICATED_USER_FORUM_PERMISSIONS
        if user.is_authenticated and codename in defaults:
            return True
        if user.is_authenticated:
            return reader_fact(
                user,
                f"may_be_granted:{codename}",
                lambda: self._may_be_granted_compute(user, codename),
            )
        return UserForumPermission.objects.filter(
            permission__codename=codename, has_perm=True, anonymous_user=True
        ).exists()

    def _may_be_granted_compute(self, user, codename: str) -> bool:
        from django.db.models import Q
        from machina.apps.forum_permission.models import (
            GroupForumPermission,
            UserForumPermission,
        )

        grants = UserForumPermission.objects.filter(permission__codename=codename, has_perm=True)
        if grants.filter(Q(user=user) | Q(authenticated_user=True)).exists():
            return True
        return GroupForumPermission.objects.filter(
            permission__codename=codename, has_perm=True, group__user=user
        ).exists()

    # Forum lists
    def get_listable_forums(self, qs, user):
        """Forums the user may see in a list, readable or not (an owners' board shows, locked)."""
        if user.is_superuser:
            return qs
        ids = [f.id for f in self._get_forums_for_user(user, ["can_see_forum"], True)]
        return qs.filter(id__in=ids)

    def get_readable_forum_ids(self, user) -> set[int]:
        """Kept for the request, as machina keeps its own forum lists (the same answer each
        time; several callers ask on one page). A fresh set each time: callers may change it."""
        key = user.id  # None for a visitor
        if key not in self._readable_forum_ids:
            if user.is_superuser:
                ids = frozenset(f.id for f in self._get_all_forums())
            else:
                ids = frozenset(
                    f.id for f in self._get_forums_for_user(user, ["can_read_forum"], True)
                )
            self._readable_forum_ids[key] = ids
        return set(self._readable_forum_ids[key])
