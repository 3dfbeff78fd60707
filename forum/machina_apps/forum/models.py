# machina's models, unchanged: their migrations stay machina's (see MIGRATION_MODULES).
from machina.apps.forum.models import *  # noqa: F403
