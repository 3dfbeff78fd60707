# machina's module, unchanged (machina's loader looks for it in the overriding app).
from machina.apps.forum_conversation.forum_attachments.admin import *  # noqa: F403
