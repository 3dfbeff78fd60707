"""machina's forum views, with the club's visibility rules.

The index and a category's sub-forums list the boards a reader may see even when they may not
read them (an owners' board shows with a lock, without counts or last post), and a "last post"
is never one of a topic the reader may not see. A board lists only the topics the reader may see.
"""

from django.views.generic import ListView
from machina.apps.forum.views import ForumView as MachinaForumView
from machina.apps.forum.views import IndexView as MachinaIndexView
from machina.apps.forum.visibility import ForumVisibilityContentTree
from machina.apps.forum_conversation.models import Topic
from machina.apps.forum_tracking.handler import TrackingHandler

from forum.boards.models import Board
from forum.boards.pagination import CountedPaginator
from forum.boards.selectors import board_topics_total, forum_tree_for_user, topics_for_forum
from forum.visibility import readable_forum_ids, topic_visibility_q
from portal.page_holes import holes_deferred, page_involves


class IndexView(MachinaIndexView):
    def get_queryset(self):
        from machina.apps.forum.models import Forum

        return forum_tree_for_user(
            forums=Forum.objects.all(),
            user=self.request.user,
            permission_handler=self.request.forum_permission_handler,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        readable = [n for n in context["forums"].top_nodes if not n.locked]
        context["total_posts_count"] = sum(n.posts_count for n in readable)
        context["total_topics_count"] = sum(n.topics_count for n in readable)
        return context


class ForumView(MachinaForumView):
    SOLVED_FILTERS = ("solved", "unsolved")

    def get_queryset(self):
        forum = self.get_forum()
        topics = topics_for_forum(forum=forum, user=self.request.user).exclude(
            type=Topic.TOPIC_ANNOUNCE
        )
        solved = self.request.GET.get("solved")
        if solved == "solved":
            topics = topics.filter(accepted_answer__isnull=False)
        elif solved == "unsolved":
            topics = topics.filter(accepted_answer__isnull=True)
        return topics

    def get_paginator(self, queryset, per_page, orphans=0, **kwargs):
        if self.request.GET.get("solved") in self.SOLVED_FILTERS or orphans:
            # A filtered list is counted: no kept counter says how many are solved.
            return super().get_paginator(queryset, per_page, orphans=orphans, **kwargs)
        total = board_topics_total(
            forum=self.get_forum(),
            user=self.request.user,
            announces=self._announces(),
            readable=set(
                readable_forum_ids(
                    user=self.request.user,
                    permission_handler=self.request.forum_permission_handler,
                )
            ),
        )
        return CountedPaginator(queryset, per_page, count=total, **kwargs)

    def _announces(self):
        if not hasattr(self, "_announce_list"):
            self._announce_list = list(
                self.get_forum()
                .topics.filter(
                    topic_visibility_q(user=self.request.user), type=Topic.TOPIC_ANNOUNCE
                )
                .select_related("poster", "last_post", "last_post__poster")
            )
        return self._announce_list

    def get_context_data(self, **kwargs):
        # machina's own context (sub-forums, announces, unread topics) is rebuilt here with the
        # visibility rules, so machina's version is skipped.
        context = ListView.get_context_data(self, **kwargs)
        forum = self.get_forum()
        user = self.request.user
        context["forum"] = forum
        # A board without sub-forums (every board of the club) lists none: an empty tree, as
        # the tree of its no descendants would be, without asking for them.
        context["sub_forums"] = (
            ForumVisibilityContentTree()
            if forum.is_leaf_node()
            else forum_tree_for_user(
                forums=forum.get_descendants(),
                user=user,
                permission_handler=self.request.forum_permission_handler,
            )
        )
        if context["sub_forums"]:
            # Their unread markers are the reader's and are not holes: not kept.
            page_involves(self.request, keep=False)
        context["announces"] = self._announces()
        # Where the rows' unread markers are the reader's holes, nobody's marks are read here.
        context["unread_topics"] = (
            []
            if holes_deferred(self.request)
            else TrackingHandler(self.request).get_unread_topics(
                list(context[self.context_object_name]) + context["announces"], user
            )
        )
        board = Board.objects.filter(forum=forum).first()
        context["board"] = board
        context["solved_filter"] = self.request.GET.get("solved", "")
        if context["solved_filter"] in self.SOLVED_FILTERS:
            # The page links keep the filter (partials/pagination.html).
            context["page_query"] = f"solved={context['solved_filter']}"
        context["can_filter_solved"] = bool(board and board.kind == Board.Kind.MUTUAL_HELP)
        return context
