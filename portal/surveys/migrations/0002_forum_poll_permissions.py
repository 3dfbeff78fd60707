"""Grant machina's poll permissions on existing boards, as forum.boards now does for new ones:
verified owners create and vote in polls in their project's board, members in the mutual-help
and community boards. Only grants are added; nothing is removed."""

from django.db import migrations

POLL_PERMISSIONS = ("can_create_polls", "can_vote_in_polls")
POLL_BOARD_KINDS = ("mutual_help", "community")


def grant_poll_permissions(apps, schema_editor):
    ForumPermission = apps.get_model("forum_permission", "ForumPermission")
    GroupForumPermission = apps.get_model("forum_permission", "GroupForumPermission")
    UserForumPermission = apps.get_model("forum_permission", "UserForumPermission")
    Board = apps.get_model("boards", "Board")
    permissions = []
    for codename in POLL_PERMISSIONS:
        permission, _created = ForumPermission.objects.get_or_create(codename=codename)
        permissions.append(permission)
    for board in Board.objects.filter(kind="owners", project__isnull=False).select_related(
        "project"
    ):
        for permission in permissions:
            GroupForumPermission.objects.update_or_create(
                group_id=board.project.owners_group_id,
                forum_id=board.forum_id,
                permission=permission,
                defaults={"has_perm": True},
            )
    for board in Board.objects.filter(kind__in=POLL_BOARD_KINDS):
        for permission in permissions:
            UserForumPermission.objects.update_or_create(
                forum_id=board.forum_id,
                permission=permission,
                user=None,
                anonymous_user=False,
                authenticated_user=True,
                defaults={"has_perm": True},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
        ("boards", "0005_notification_case_kind"),
        ("forum_permission", "0005_userforumpermission_authenticated_user"),
        ("portal", "0007_points_holds_and_notices"),
    ]

    operations = [migrations.RunPython(grant_poll_permissions, migrations.RunPython.noop)]
