"""Posting safety: length cap, per-user rate limit, attachment rules, and newcomers' approval.

A newcomer (a member outside the "Trusted members" group) posts less often and their posts wait
for a moderator in machina's approval queue; after FORUM_TRUSTED_AFTER_APPROVED_POSTS posts a
moderator approved (posts in boards that publish theirs at once do not count) they join the
group. The limits are settings (see README, "Forum").
"""

import os

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from machina.apps.forum_conversation.models import Post

from forum.boards.services import MODERATORS_GROUP, TRUSTED_MEMBERS_GROUP

POST_MAX_LENGTH = getattr(settings, "FORUM_POST_MAX_LENGTH", 10000)
POST_INTERVAL_SECONDS = getattr(settings, "FORUM_POST_INTERVAL_SECONDS", 15)
NEWCOMER_POST_INTERVAL_SECONDS = getattr(settings, "FORUM_NEWCOMER_POST_INTERVAL_SECONDS", 120)
TRUSTED_AFTER_APPROVED_POSTS = getattr(settings, "FORUM_TRUSTED_AFTER_APPROVED_POSTS", 3)
ATTACHMENT_MAX_BYTES = getattr(settings, "FORUM_ATTACHMENT_MAX_BYTES", 2 * 1024 * 1024)
ATTACHMENT_EXTENSIONS = getattr(
    settings,
    "FORUM_ATTACHMENT_EXTENSIONS",
    (".jpg", ".jpeg", ".png", ".gif", ".webp", ".pdf", ".txt"),
)


def is_trusted(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    names = {g.name for g in user.groups.all()}
    return TRUSTED_MEMBERS_GROUP in names or MODERATORS_GROUP in names


def _rate_key(user) -> str:
    return f"forum:last-post:{user.pk}"


def post_interval_for(user) -> int:
    return POST_INTERVAL_SECONDS if is_trusted(user) else NEWCOMER_POST_INTERVAL_SECONDS


def _rate_limit_message(user) -> str:
    interval = post_interval_for(user)
    if is_trusted(user):
        return _("You are posting too fast: please wait %(seconds)d seconds between posts.") % {
            "seconds": interval
        }
    return _(
        "New members may post once every %(seconds)d seconds; the limit is relaxed after "
        "%(count)d approved posts. Please wait a moment and try again."
    ) % {"seconds": interval, "count": TRUSTED_AFTER_APPROVED_POSTS}


def post_rate_limit_reason(*, user) -> str | None:
    """Why the user may not post right now (a sentence to show them), or None.

    Only a hint for the form: the limit itself is post_rate_limit_take, which claims the slot.
    """
    if not user.is_authenticated or user.is_superuser:
        return None
    if cache.get(_rate_key(user)) is None:
        return None
    return _rate_limit_message(user)


def post_rate_limit_take(*, user) -> str | None:
    """Claim the member's posting slot for the interval, atomically; the refusal, or None.

    ``cache.add`` stores the key only if it is absent, in one step (a lock in the local-memory
    cache, ``SET NX`` in Redis): of simultaneous posts exactly one gets the slot. Checking and
    then setting let three simultaneous replies through (issue 13, finding 6).
    """
    if not user.is_authenticated or user.is_superuser:
        return None
    if cache.add(_rate_key(user), 1, timeout=post_interval_for(user)):
        return None
    return _rate_limit_message(user)


def post_rate_limit_release(*, user) -> None:
    """Give the slot back when the post it was claimed for was not saved."""
    if user.is_authenticated:
        cache.delete(_rate_key(user))


def post_length_error(*, content: str) -> str | None:
    if len(content or "") > POST_MAX_LENGTH:
        return _("Posts are limited to %(max)d characters (this one has %(count)d).") % {
            "max": POST_MAX_LENGTH,
            "count": len(content),
        }
    return None


def attachment_error(*, uploaded) -> str | None:
    """What is wrong with an uploaded attachment, as a sentence, or None."""
    extension = os.path.splitext(uploaded.name or "")[1].lower()
    if extension not in ATTACHMENT_EXTENSIONS:
        return _("“%(name)s” is not an allowed file type. Allowed: %(types)s.") % {
            "name": uploaded.name,
            "types": " ".join(ATTACHMENT_EXTENSIONS),
        }
    if uploaded.size > ATTACHMENT_MAX_BYTES:
        return _("“%(name)s” is %(size)s; attachments may be at most %(max)s.") % {
            "name": uploaded.name,
            "size": filesizeformat(uploaded.size),
            "max": filesizeformat(ATTACHMENT_MAX_BYTES),
        }
    return None


def moderator_approved_posts_count(*, user) -> int:
    """The member's approved posts in boards where their posts wait for a moderator.

    A post in a board that publishes the member's posts at once (complaints and suggestions for
    every member, an owners' board for its owners) was approved by no one: counting it let three
    automatic complaints replies make a new account trusted everywhere (issue 13, finding 3).
    """
    from machina.core.loading import get_class

    handler = get_class("forum_permission.handler", "PermissionHandler")()
    published_at_once = [
        forum.pk for forum in handler._get_forums_for_user(user, ["can_post_without_approval"])
    ]
    return (
        Post.objects.filter(poster=user, approved=True)
        .exclude(topic__forum_id__in=published_at_once)
        .count()
    )


def member_trust_update(*, user) -> bool:
    """Add a member to the trusted group once enough of their posts were approved by a moderator."""
    if not user or not user.is_authenticated or is_trusted(user):
        return False
    approved = moderator_approved_posts_count(user=user)
    if approved < TRUSTED_AFTER_APPROVED_POSTS:
        return False
    group, _created = Group.objects.get_or_create(name=TRUSTED_MEMBERS_GROUP)
    user.groups.add(group)
    return True
