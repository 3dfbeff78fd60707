from machina.apps.forum_conversation.apps import (
    ForumConversationAppConfig as MachinaForumConversationAppConfig,
)


class ForumConversationAppConfig(MachinaForumConversationAppConfig):
    """machina's forum_conversation, with the club's views (see views.py)."""

    name = "forum.machina_apps.forum_conversation"
    default = True

    def ready(self):
        super().ready()
        from machina.apps.forum_conversation import receivers
        from machina.apps.forum_conversation.signals import topic_viewed

        from forum import view_counts

        # Views counted in batches (forum/view_counts.py) instead of an UPDATE per view.
        topic_viewed.disconnect(receivers.update_topic_counter)
        topic_viewed.connect(view_counts.update_topic_counter, dispatch_uid="forum_view_counts")
