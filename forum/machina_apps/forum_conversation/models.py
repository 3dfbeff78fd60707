# machina's models, unchanged: their migrations stay machina's (see MIGRATION_MODULES).
from machina.apps.forum_conversation.models import *  # noqa: F403
