from machina.apps.forum.apps import ForumAppConfig as MachinaForumAppConfig


class ForumAppConfig(MachinaForumAppConfig):
    """machina's forum, with the club's views (see views.py)."""

    name = "forum.machina_apps.forum"
    default = True
