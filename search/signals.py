"""Receivers that put every searchable change on the index queue (see search.services)."""

from django.db.models.signals import post_delete, post_init, post_save
from machina.apps.forum_conversation.models import Post, Topic
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.models import Merchant
from forum.boards.models import TopicVisibility
from forum.cases.models import Case
from search.queue import index_enqueue

TOPIC_INDEXED_FIELDS = ("forum_id", "approved", "subject", "poster_id")


def _post_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_enqueue(object_kind="post", object_ids=[instance.pk])


def _post_deleted(sender, instance, **kwargs):
    index_enqueue(object_kind="post", object_ids=[instance.pk], action="delete")


def _topic_loaded(sender, instance, **kwargs):
    instance._search_snapshot = tuple(getattr(instance, f) for f in TOPIC_INDEXED_FIELDS)


def _topic_saved(sender, instance, created, raw=False, **kwargs):
    # machina saves the topic on every reply (counters); only a move, an approval or a new
    # subject changes what its posts' documents say.
    snapshot = tuple(getattr(instance, f) for f in TOPIC_INDEXED_FIELDS)
    if not raw and not created and snapshot != getattr(instance, "_search_snapshot", None):
        index_enqueue(object_kind="topic", object_ids=[instance.pk])
    instance._search_snapshot = snapshot


def _topic_rule_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        index_enqueue(object_kind="topic", object_ids=[instance.topic_id])


def _page_changed(sender, instance, **kwargs):
    index_enqueue(object_kind="page", object_ids=[instance.pk])


def _page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        index_enqueue(object_kind="page", object_ids=[instance.pk], action="delete")


def _merchant_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_enqueue(object_kind="merchant", object_ids=[instance.pk])


def _merchant_deleted(sender, instance, **kwargs):
    index_enqueue(object_kind="merchant", object_ids=[instance.pk], action="delete")


def _restriction_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        ids = Page.objects.filter(path__startswith=page.path).values_list("pk", flat=True)
        index_enqueue(object_kind="page", object_ids=list(ids))


def connect() -> None:
    post_save.connect(_post_saved, sender=Post, dispatch_uid="search_post_saved")
    post_delete.connect(_post_deleted, sender=Post, dispatch_uid="search_post_deleted")
    post_init.connect(_topic_loaded, sender=Topic, dispatch_uid="search_topic_loaded")
    post_save.connect(_topic_saved, sender=Topic, dispatch_uid="search_topic_saved")
    for model in (TopicVisibility, Case):
        post_save.connect(_topic_rule_changed, sender=model, dispatch_uid=f"search_{model}_s")
        post_delete.connect(_topic_rule_changed, sender=model, dispatch_uid=f"search_{model}_d")
    page_published.connect(_page_changed, dispatch_uid="search_page_published")
    page_unpublished.connect(_page_changed, dispatch_uid="search_page_unpublished")
    post_page_move.connect(_page_changed, dispatch_uid="search_page_moved")
    post_delete.connect(_page_deleted, dispatch_uid="search_page_deleted")
    post_save.connect(_merchant_saved, sender=Merchant, dispatch_uid="search_merchant_saved")
    post_delete.connect(_merchant_deleted, sender=Merchant, dispatch_uid="search_merchant_deleted")
    for signal in (post_save, post_delete):
        signal.connect(
            _restriction_changed, sender=PageViewRestriction, dispatch_uid=f"search_pvr_{signal}"
        )
