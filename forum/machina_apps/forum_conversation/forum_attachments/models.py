# machina's model, unchanged: its migrations stay machina's (see MIGRATION_MODULES).
from machina.apps.forum_conversation.forum_attachments.models import *  # noqa: F403
