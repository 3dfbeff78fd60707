# Django's admin autodiscovery imports this app's admin module, not machina's.
from machina.apps.forum_tracking.admin import *  # noqa: F403
