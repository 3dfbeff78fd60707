from django.contrib.auth import authenticate
from django.core.management import call_command
from machina.apps.forum_conversation.models import Topic

from forum.boards.models import Board
from portal.members.models import HousingProject, UnitOwnership, User

DEMO_USERNAMES = {
    "admin", "editor", "approver", "moderator", "design", "engineering", "property",
    "owner1", "owner2", "member1",
}  # fmt: skip


def counts():
    return (
        User.objects.count(),
        HousingProject.objects.count(),
        Board.objects.count(),
        Topic.objects.count(),
        UnitOwnership.objects.count(),
    )


def test_seed_demo_is_idempotent_and_creates_the_contract_accounts(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert counts() == first
    assert set(User.objects.values_list("username", flat=True)) >= DEMO_USERNAMES
    assert authenticate(username="owner1", password="demo12345") is not None
    assert User.objects.get(username="admin").is_superuser
    owner1_projects = UnitOwnership.objects.filter(
        member__username="owner1", status=UnitOwnership.Status.VERIFIED
    ).values_list("project__name", flat=True)
    assert list(owner1_projects) == [HousingProject.objects.order_by("pk").first().name]
    assert not UnitOwnership.objects.filter(member__username="member1").exists()
