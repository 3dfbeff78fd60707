from machina.apps.forum_feeds.apps import ForumFeedsAppConfig as MachinaForumFeedsAppConfig


class ForumFeedsAppConfig(MachinaForumFeedsAppConfig):
    """machina's forum_feeds, with the club's views (see views.py)."""

    name = "forum.machina_apps.forum_feeds"
    default = True
