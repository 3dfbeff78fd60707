# Django's admin autodiscovery imports this app's admin module, not machina's.
from machina.apps.forum_conversation.admin import *  # noqa: F403
