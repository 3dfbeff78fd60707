"""Every change a visitor can see invalidates the page cache after its commit.

Over-invalidating is cheap (the next visitor of each page renders it once more); missing a
change shows visitors stale content until PAGE_CACHE_SECONDS pass, so when in doubt a model is
listed. Changes nobody signals (an offer reaching its end date, "3 minutes ago" growing older)
are bounded by that timeout alone.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.autoreload import file_changed
from machina.apps.forum.models import Forum
from machina.apps.forum_conversation.forum_attachments.models import Attachment
from machina.apps.forum_conversation.forum_polls.models import (
    TopicPoll,
    TopicPollOption,
    TopicPollVote,
)
from machina.apps.forum_conversation.models import Post, Topic
from machina.apps.forum_member.models import ForumProfile
from machina.apps.forum_permission.models import GroupForumPermission, UserForumPermission
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.models import Merchant
from forum.boards.models import AcceptedAnswer, Board, TopicVisibility
from forum.cases.models import Case, Category, Department, OfficialReply
from portal.members.models import HousingProject, MemberLevel, MemberProfile
from portal.pagecache.services import page_cache_invalidate, page_cache_invalidate_on_commit

# Saved or deleted, each of these changes a page a visitor may read.
VISIBLE_MODELS = (
    # forum: posts, topics (new replies, edits, approvals, moves, locks), boards and their rules
    Post,
    Topic,
    Forum,
    Attachment,
    TopicPoll,
    TopicPollOption,
    TopicPollVote,
    ForumProfile,
    GroupForumPermission,
    UserForumPermission,
    Board,
    TopicVisibility,
    AcceptedAnswer,
    # cases: the status panel on complaint and suggestion topics
    Case,
    Category,
    Department,
    OfficialReply,
    # CMS: view restrictions (members-only chapters), sites, merchants, images and documents
    PageViewRestriction,
    Site,
    Merchant,
    # members: names of projects and levels in the badges beside posts
    HousingProject,
    MemberLevel,
)
# Fields shown beside a member's posts; other saves (a login's last_login) change no page.
USER_VISIBLE_FIELDS = frozenset({"username", "display_name", "is_active"})
PROFILE_VISIBLE_FIELDS = frozenset({"level", "show_level_badge"})


def _changed(sender, **kwargs):
    page_cache_invalidate_on_commit()


def _groups_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        page_cache_invalidate_on_commit()


def _page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        page_cache_invalidate_on_commit()


def _source_changed(sender, file_path, **kwargs):
    # runserver reloads templates and translations without restarting (which would empty the
    # local-memory cache): pages rendered with the old ones must go too.
    page_cache_invalidate()


def _fields_saved(visible_fields):
    def receiver(sender, update_fields=None, **kwargs):
        if update_fields is None or visible_fields & set(update_fields):
            page_cache_invalidate_on_commit()

    return receiver


_user_saved = _fields_saved(USER_VISIBLE_FIELDS)
_profile_saved = _fields_saved(PROFILE_VISIBLE_FIELDS)


def connect() -> None:
    models = (*VISIBLE_MODELS, get_image_model(), get_document_model())
    for model in models:
        label = model._meta.label_lower
        post_save.connect(_changed, sender=model, dispatch_uid=f"pagecache_saved_{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"pagecache_deleted_{label}")
    # Wagtail pages: what is live changes only by publishing, unpublishing, moving or deleting
    # (a draft saved in the editor changes nothing a visitor sees).
    page_published.connect(_changed, dispatch_uid="pagecache_page_published")
    page_unpublished.connect(_changed, dispatch_uid="pagecache_page_unpublished")
    post_page_move.connect(_changed, dispatch_uid="pagecache_page_moved")
    post_delete.connect(_page_deleted, dispatch_uid="pagecache_page_deleted")
    # Members: names and level badges beside posts; groups give the owner and staff badges.
    user_model = get_user_model()
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="pagecache_user_saved")
    post_delete.connect(_changed, sender=user_model, dispatch_uid="pagecache_user_deleted")
    post_save.connect(_profile_saved, sender=MemberProfile, dispatch_uid="pagecache_profile")
    m2m_changed.connect(
        _groups_changed, sender=user_model.groups.through, dispatch_uid="pagecache_user_groups"
    )
    file_changed.connect(_source_changed, dispatch_uid="pagecache_source_changed")
