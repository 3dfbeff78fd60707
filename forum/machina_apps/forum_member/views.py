"""machina's member views, listing only posts and topics the reader may see (forum.visibility)."""

from django.http import Http404
from machina.apps.forum_conversation.models import Post, Topic
from machina.apps.forum_member import views as machina_views
from machina.conf import settings as machina_settings

from forum.boards.selectors import visible_posts_in, visible_topics_in
from forum.visibility import post_visibility_q, topic_visibility_q


class MemberIdInPathMixin:
    """machina routes ``profile/<str:pk>/``: a pk that is not a number answers 404, not 500."""

    def dispatch(self, request, *args, **kwargs):
        pk = str(kwargs.get("pk", ""))
        if not (pk.isascii() and pk.isdecimal() and len(pk) < 10):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class UserPostsView(MemberIdInPathMixin, machina_views.UserPostsView):
    def get_queryset(self):
        # machina lists unapproved posts too: here the per-post rule applies (approved, or the
        # reader's own, or a moderator reading), as on the topic page.
        return visible_posts_in(
            posts=super().get_queryset().filter(post_visibility_q(user=self.request.user)),
            user=self.request.user,
            permission_handler=self.request.forum_permission_handler,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The author's count of posts this reader may see (machina's counts hidden ones too).
        context["visible_posts_count"] = visible_posts_in(
            posts=Post.approved_objects.filter(poster=self.poster),
            user=self.request.user,
            permission_handler=self.request.forum_permission_handler,
        ).count()
        return context


class ForumProfileDetailView(MemberIdInPathMixin, machina_views.ForumProfileDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        handler = self.request.forum_permission_handler
        poster = self.object.user
        context["topics_count"] = visible_topics_in(
            topics=Topic.objects.filter(approved=True, poster=poster),
            user=user,
            permission_handler=handler,
        ).count()
        visible_posts = visible_posts_in(
            posts=Post.approved_objects.select_related("topic", "topic__forum").filter(
                poster=poster
            ),
            user=user,
            permission_handler=handler,
        )
        # machina's profile.posts_count counts every approved post, private complaints and
        # owners' boards included: the reader sees the count of what they may read.
        context["visible_posts_count"] = visible_posts.count()
        context["recent_posts"] = visible_posts.order_by("-created")[
            : machina_settings.PROFILE_RECENT_POSTS_NUMBER
        ]
        return context


class TopicSubscriptionListView(machina_views.TopicSubscriptionListView):
    def get_queryset(self):
        return super().get_queryset().filter(topic_visibility_q(user=self.request.user))
