from machina.apps.forum_conversation.forum_attachments.apps import (
    ForumAttachmentsAppConfig as MachinaForumAttachmentsAppConfig,
)


class ForumAttachmentsAppConfig(MachinaForumAttachmentsAppConfig):
    """machina's forum_attachments, with a download view that honours post visibility."""

    name = "forum.machina_apps.forum_conversation.forum_attachments"
    default = True
