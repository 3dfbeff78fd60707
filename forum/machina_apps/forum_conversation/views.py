"""machina's conversation views with the club's rules.

A topic the reader may not see (a private complaint, a topic awaiting approval) is refused like a
board they may not read: 403, or the login page for a visitor, never with its title. Writing a
topic or post runs in one transaction (a private complaint's visibility row with its topic),
with posting safety (forum.boards.posting) on the forms.
"""

from django import forms
from django.db import DEFAULT_DB_ALIAS, transaction
from django.shortcuts import get_object_or_404
from machina.apps.forum.models import Forum
from machina.apps.forum_conversation import views as machina_views
from machina.apps.forum_conversation.signals import topic_viewed

from forum.author_counts import author_visible_post_counts
from forum.boards import posting
from forum.boards.answers import can_accept_answer
from forum.boards.holes import page_topic_remember
from forum.boards.models import AcceptedAnswer, Board
from forum.cases.selectors import official_reply_departments
from forum.machina_apps.forum_conversation.forms import SafeAttachmentFormset
from forum.machina_apps.forum_conversation.fragments import topic_posts_cache_key
from portal.page_holes import page_hit_hook, page_involves


class TopicView(machina_views.TopicView):
    def perform_permissions_check(self, user, obj, perms):
        handler = self.request.forum_permission_handler
        return super().perform_permissions_check(user, obj, perms) and handler.can_see_topic(
            self.get_topic(), user
        )

    def get(self, request, **kwargs):
        # machina checks ``?post=`` with str.isdigit(), which passes "²" on to int(): a 500.
        requested = request.GET.get("post")
        if requested is not None and not (
            requested.isascii() and requested.isdecimal() and len(requested) < 10
        ):
            request.GET = request.GET.copy()
            del request.GET["post"]
        return super().get(request, **kwargs)

    def get_topic(self):
        if not hasattr(self, "topic"):
            self.topic = get_object_or_404(
                machina_views.Topic.objects.select_related(
                    "forum", "forum__board", "poster", "first_post", "visibility"
                ),
                pk=self.kwargs["pk"],
            )
        return self.topic

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("poster__forum_profile", "poster__member_profile__level")
            .prefetch_related(
                "poster__groups__housing_project",
                "poster__groups__department",
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        topic = self.topic
        user = self.request.user
        handler = self.request.forum_permission_handler
        # A reply hidden after it was accepted (a report's "hide") is not quoted at the top.
        answer = (
            AcceptedAnswer.objects.select_related("post__poster")
            .filter(topic=topic, post__approved=True)
            .first()
        )
        context["accepted_answer"] = answer
        context["board"] = getattr(topic.forum, "board", None)
        context["is_mutual_help"] = bool(
            context["board"] and context["board"].kind == Board.Kind.MUTUAL_HELP
        )
        context["can_accept_answer"] = can_accept_answer(
            user=user, topic=topic, permission_handler=handler
        )
        context["can_report"] = user.is_authenticated and handler.can_see_topic(topic, user)
        # The moderation menu (topic_detail_actions.html) is a Bootstrap dropdown: machina's
        # scripts load for those who see it, not for every reader.
        context["board_scripts"] = user.is_authenticated and any(
            can(topic.forum, user)
            for can in (handler.can_lock_topics, handler.can_move_topics, handler.can_delete_topics)
        )
        context["official_ids"] = official_reply_departments(topic=topic)
        _posters_visible_posts_count_set(
            posts=context["posts"], user=user, permission_handler=handler
        )
        # The page differs for the authors on it (edit and report links, the accept button)
        # and, with a poll, for everyone (portal.pagecache.members).
        page_topic_remember(self.request, topic)
        page_involves(
            self.request,
            user_ids=[topic.poster_id, *(post.poster_id for post in context["posts"])],
            shareable=context.get("poll") is None,
            topic=topic.pk,
            topic_row=_row(topic),
            forum_row=_row(topic.forum),
        )
        context["posts_cache_key"] = topic_posts_cache_key(
            user=user,
            topic=topic,
            posts=context["posts"],
            accepted_post_id=answer.post_id if answer else None,
            official_ids=context["official_ids"],
            can_accept_answer=context["can_accept_answer"],
            poll=context.get("poll"),
        )
        return context


def _posters_visible_posts_count_set(*, posts, user, permission_handler) -> None:
    """Each author's post count as this reader may see it (``poster.visible_posts_count``).

    machina's ``forum_profile.posts_count`` counts private complaints and owners' boards too: a
    reader could learn that a neighbour posts where they cannot look. forum.author_counts counts
    what this reader may see, and keeps the counts per kind of reader.
    """
    counts = author_visible_post_counts(
        poster_ids={post.poster_id for post in posts if post.poster_id},
        user=user,
        permission_handler=permission_handler,
    )
    for post in posts:
        if post.poster_id:
            post.poster.visible_posts_count = counts.get(post.poster_id, 0)


def _row(instance) -> tuple[tuple[str, ...], tuple]:
    """A model instance's own columns, to build it again without reading it (``_from_row``)."""
    names = tuple(field.attname for field in type(instance)._meta.concrete_fields)
    return names, tuple(getattr(instance, name) for name in names)


def _from_row(model, row):
    names, values = row
    return model.from_db(DEFAULT_DB_ALIAS, names, values)


@page_hit_hook("forum_conversation:topic")
def topic_viewed_again(request, data: dict) -> bool:
    """A topic page served kept is still a view: machina's ``topic_viewed`` (the view count,
    the reader's read mark), as TopicView sends it.

    The topic and its board are built from the rows read when the page was rendered: the page
    is kept only under the page cache's generation, which any change of either replaces (a
    view count aside, which this does not read)."""
    if "topic_row" not in data or "forum_row" not in data:
        return False
    topic = _from_row(machina_views.Topic, data["topic_row"])
    topic.forum = _from_row(Forum, data["forum_row"])
    page_topic_remember(request, topic)
    # The page was rendered for a reader of this kind, or for this reader: they may see it.
    request.forum_permission_handler.topic_visible_remember(topic, request.user)
    topic_viewed.send(
        sender=TopicView, topic=topic, user=request.user, request=request, response=None
    )
    return True


class BoardScriptsMixin:
    """Pages whose widgets need machina's scripts (board_base.html loads them only there)."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"board_scripts": True}


class SafeAttachmentsMixin:
    attachment_formset_class = SafeAttachmentFormset

    def form_valid(self, post_form, *args, **kwargs):
        user = self.request.user
        claims_slot = not self.preview and not getattr(post_form, "_was_update", True)
        if claims_slot:
            refusal = posting.post_rate_limit_take(user=user)
            if refusal:
                post_form.add_error(None, forms.ValidationError(refusal, code="rate_limited"))
                return self.form_invalid(post_form, *args, **kwargs)
        try:
            with transaction.atomic():
                return super().form_valid(post_form, *args, **kwargs)
        except BaseException:
            if claims_slot:
                posting.post_rate_limit_release(user=user)
            raise


class TopicCreateView(BoardScriptsMixin, SafeAttachmentsMixin, machina_views.TopicCreateView):
    pass


class TopicUpdateView(BoardScriptsMixin, SafeAttachmentsMixin, machina_views.TopicUpdateView):
    pass


class PostCreateView(BoardScriptsMixin, SafeAttachmentsMixin, machina_views.PostCreateView):
    pass


class PostUpdateView(BoardScriptsMixin, SafeAttachmentsMixin, machina_views.PostUpdateView):
    pass


class PostDeleteView(machina_views.PostDeleteView):
    pass
