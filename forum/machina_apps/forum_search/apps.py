from machina.apps.forum_search.apps import ForumSearchAppConfig as MachinaForumSearchAppConfig


class ForumSearchAppConfig(MachinaForumSearchAppConfig):
    """machina's forum_search, with haystack replaced by the site search in search/."""

    name = "forum.machina_apps.forum_search"
    default = True
