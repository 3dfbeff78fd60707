from machina.apps.forum_member.apps import ForumMemberAppConfig as MachinaForumMemberAppConfig


class ForumMemberAppConfig(MachinaForumMemberAppConfig):
    """machina's forum_member, with the club's views (see views.py)."""

    name = "forum.machina_apps.forum_member"
    default = True
