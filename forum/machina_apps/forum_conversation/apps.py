from machina.apps.forum_conversation.apps import (
    ForumConversationAppConfig as MachinaForumConversationAppConfig,
)


class ForumConversationAppConfig(MachinaForumConversationAppConfig):
    """machina's forum_conversation, with the club's views (see views.py)."""

    name = "forum.machina_apps.forum_conversation"
    default = True
