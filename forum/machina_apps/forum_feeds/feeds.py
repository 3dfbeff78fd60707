"""machina's topic feeds, without topics the reader may not see (forum.visibility)."""

from machina.apps.forum_feeds.feeds import LastTopicsFeed as MachinaLastTopicsFeed

from forum.visibility import topic_visibility_q


class LastTopicsFeed(MachinaLastTopicsFeed):
    def get_object(self, request, *args, **kwargs):
        self.request = request
        return super().get_object(request, *args, **kwargs)

    def items(self):
        return (
            super().items().filter(topic_visibility_q(user=self.user)).select_related("forum")[:50]
        )
