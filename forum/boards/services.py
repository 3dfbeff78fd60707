"""The club's board structure and who may do what in it, as machina permissions on groups.

Every grant here is an allow: machina 1.3's checker carries a forum-level deny over to the
forums it evaluates after it in the same list (get_perms_for_forumlist reassigns the global
lists inside its loop), so a deny on one owners' board would hide public boards from listings.
Reading and posting are therefore granted per board: public boards to visitors and members,
an owners' board only to its project's owners' group. Moderators hold global grants.
"""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _
from machina.apps.forum.models import Forum
from machina.apps.forum_permission.models import (
    ForumPermission,
    GroupForumPermission,
    UserForumPermission,
)
from machina.apps.forum_permission.receivers import create_permissions

from forum.boards.models import Board

# Not "Moderators": that name is Wagtail's page-moderation group.
MODERATORS_GROUP = "Forum moderators"
# Members whose posts appear without waiting for a moderator: joined automatically after
# FORUM_TRUSTED_AFTER_APPROVED_POSTS approved posts (forum.boards.posting), or by an administrator.
TRUSTED_MEMBERS_GROUP = "Trusted members"

# Granted everywhere; none of these lets anyone read or post where they could not already.
GLOBAL_VISITOR_PERMISSIONS = ("can_see_forum",)
GLOBAL_MEMBER_PERMISSIONS = (
    "can_see_forum",
    "can_edit_own_posts",
    "can_attach_file",
    "can_download_file",
)
PUBLIC_BOARD_VISITOR_PERMISSIONS = ("can_see_forum", "can_read_forum", "can_download_file")
BOARD_MEMBER_PERMISSIONS = (
    "can_see_forum",
    "can_read_forum",
    "can_start_new_topics",
    "can_reply_to_topics",
)
TRUSTED_MEMBER_PERMISSIONS = ("can_post_without_approval",)
# Polls (issue #19): verified owners in their project's board, members in the community boards.
# Granted only where the same readers may already read, so a poll never leaks past its board.
POLL_PERMISSIONS = ("can_create_polls", "can_vote_in_polls")
POLL_BOARD_KINDS = frozenset({"mutual_help", "community"})
# Department staff read and answer the triage boards (complaints, suggestions) without waiting.
DEPARTMENT_STAFF_BOARD_PERMISSIONS = BOARD_MEMBER_PERMISSIONS + ("can_post_without_approval",)
MODERATOR_PERMISSIONS = (
    GLOBAL_MEMBER_PERMISSIONS
    + BOARD_MEMBER_PERMISSIONS
    + TRUSTED_MEMBER_PERMISSIONS
    + (
        "can_post_announcements",
        "can_post_stickies",
        "can_delete_own_posts",
        "can_lock_topics",
        "can_move_topics",
        "can_edit_posts",
        "can_delete_posts",
        "can_approve_posts",
        "can_reply_to_locked_topics",
    )
)

COMMUNITY_CATEGORY = "社区"
OWNERS_CATEGORY = "业主板块"
PUBLIC_BOARDS = (
    # kind, name, description
    (Board.Kind.MUTUAL_HELP, "互助", "邻里互助、经验分享，问题解决后请标记已解决。"),
    (Board.Kind.COMPLAINTS, "投诉", "房屋质量、物业服务等问题，由客户关系部分派给相关部门处理。"),
    (Board.Kind.SUGGESTIONS, "建议", "对规划设计、社区配套和会员服务的建议。"),
    (Board.Kind.OFFERS, "优惠活动", "联盟商家优惠与会员活动讨论。"),
    (Board.Kind.COMMUNITY, "交友娱乐", "兴趣小组、运动约伴、亲子活动。"),
)  # fmt: skip


def _permissions(codenames) -> dict[str, ForumPermission]:
    create_permissions()
    return {p.codename: p for p in ForumPermission.objects.filter(codename__in=codenames)}


def forum_permissions_set(
    *,
    codenames,
    granted: bool = True,
    forum: Forum | None = None,
    group: Group | None = None,
    anonymous: bool = False,
    authenticated: bool = False,
) -> None:
    """Grant (or deny) permissions on one forum (or globally) to a group or a kind of user."""
    for permission in _permissions(codenames).values():
        if group is not None:
            GroupForumPermission.objects.update_or_create(
                group=group, forum=forum, permission=permission, defaults={"has_perm": granted}
            )
        else:
            UserForumPermission.objects.update_or_create(
                forum=forum,
                permission=permission,
                user=None,
                anonymous_user=anonymous,
                authenticated_user=authenticated,
                defaults={"has_perm": granted},
            )


def moderators_group_ensure() -> Group:
    group, _created = Group.objects.get_or_create(name=MODERATORS_GROUP)
    forum_permissions_set(codenames=MODERATOR_PERMISSIONS, group=group)
    return group


def trusted_members_group_ensure() -> Group:
    group, _created = Group.objects.get_or_create(name=TRUSTED_MEMBERS_GROUP)
    forum_permissions_set(codenames=TRUSTED_MEMBER_PERMISSIONS, group=group)
    # Older set-ups granted this to every member; newcomers now wait for approval.
    UserForumPermission.objects.filter(
        forum=None,
        user=None,
        authenticated_user=True,
        permission__codename__in=TRUSTED_MEMBER_PERMISSIONS,
    ).delete()
    return group


def department_board_permissions_ensure(*, department) -> None:
    """Let a department's staff read and reply in the triage boards without approval."""
    for board in Board.objects.filter(kind__in=Board.TRIAGE_KINDS).select_related("forum"):
        forum_permissions_set(
            codenames=DEPARTMENT_STAFF_BOARD_PERMISSIONS,
            forum=board.forum,
            group=department.staff_group,
        )


def _category_ensure(name: str) -> Forum:
    category = Forum.objects.filter(name=name, type=Forum.FORUM_CAT, parent=None).first()
    if category is None:
        category = Forum.objects.create(name=name, type=Forum.FORUM_CAT)
    # A category is only a heading; whoever may see the forum list may read its headings.
    forum_permissions_set(
        codenames=PUBLIC_BOARD_VISITOR_PERMISSIONS, forum=category, anonymous=True
    )
    forum_permissions_set(
        codenames=BOARD_MEMBER_PERMISSIONS[:2], forum=category, authenticated=True
    )
    return category


@transaction.atomic
def board_skeleton_ensure() -> dict[str, Board]:
    """Create the public boards and the global grants once; safe to call again."""
    forum_permissions_set(codenames=GLOBAL_VISITOR_PERMISSIONS, anonymous=True)
    forum_permissions_set(codenames=GLOBAL_MEMBER_PERMISSIONS, authenticated=True)
    moderators_group_ensure()
    _category_ensure(OWNERS_CATEGORY)
    community = _category_ensure(COMMUNITY_CATEGORY)
    boards = {}
    for kind, name, description in PUBLIC_BOARDS:
        board = Board.objects.filter(kind=kind).select_related("forum").first()
        if board is None:
            forum = Forum.objects.create(
                name=name, description=description, type=Forum.FORUM_POST, parent=community
            )
            board = Board.objects.create(forum=forum, kind=kind)
        forum_permissions_set(
            codenames=PUBLIC_BOARD_VISITOR_PERMISSIONS, forum=board.forum, anonymous=True
        )
        forum_permissions_set(
            codenames=BOARD_MEMBER_PERMISSIONS
            # A complaint or suggestion starts its case and SLA clock at once; holding a
            # newcomer's complaint in the approval queue would only delay the answer.
            + (TRUSTED_MEMBER_PERMISSIONS if board.is_triage else ())
            + (POLL_PERMISSIONS if board.kind in POLL_BOARD_KINDS else ()),
            forum=board.forum,
            authenticated=True,
        )
        boards[kind] = board
    trusted_members_group_ensure()
    from forum.cases.models import Department

    for department in Department.objects.select_related("staff_group"):
        department_board_permissions_ensure(department=department)
    return boards


@transaction.atomic
def owners_board_ensure(*, project) -> Board:
    """The owners' board of a housing project, readable only by its verified owners."""
    board = Board.objects.filter(project=project).select_related("forum").first()
    if board is None:
        forum = Forum.objects.create(
            name=_("%(project)s owners") % {"project": project.name},
            description=_("Verified owners of %(project)s only.") % {"project": project.name},
            type=Forum.FORUM_POST,
            parent=_category_ensure(OWNERS_CATEGORY),
        )
        board = Board.objects.create(forum=forum, kind=Board.Kind.OWNERS, project=project)
    # Verified owners were checked by staff: their posts in their own board need no approval.
    forum_permissions_set(
        codenames=BOARD_MEMBER_PERMISSIONS + TRUSTED_MEMBER_PERMISSIONS + POLL_PERMISSIONS,
        forum=board.forum,
        group=project.owners_group,
    )
    return board
