from machina.apps.forum_tracking.apps import ForumTrackingAppConfig as MachinaForumTrackingAppConfig


class ForumTrackingAppConfig(MachinaForumTrackingAppConfig):
    """machina's forum_tracking, with the club's views (see views.py)."""

    name = "forum.machina_apps.forum_tracking"
    default = True
