# machina's module, unchanged (machina's loader looks for it in the overriding app).
from machina.apps.forum_conversation.forum_attachments.cache import *  # noqa: F403
