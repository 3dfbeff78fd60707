from django.urls import reverse

from portal.members.models import UnitOwnership
from tests.factories import UnitOwnershipFactory, UserFactory


def changelist():
    return reverse("admin:portal_unitownership_changelist")


def test_staff_marks_a_member_verified_owner_from_the_admin(client, project_a, staff_admin):
    claim = UnitOwnershipFactory(member=UserFactory(username="claimant"), project=project_a)
    client.force_login(staff_admin)

    response = client.post(
        changelist(), {"action": "verify_selected", "_selected_action": [claim.pk]}, follow=True
    )

    claim.refresh_from_db()
    assert claim.status == UnitOwnership.Status.VERIFIED
    assert claim.member.groups.filter(pk=project_a.owners_group_id).exists()
    assert response.status_code == 200


def test_non_staff_cannot_verify(client, project_a, member):
    claim = UnitOwnershipFactory(member=UserFactory(username="claimant"), project=project_a)
    client.force_login(member)

    response = client.post(
        changelist(), {"action": "verify_selected", "_selected_action": [claim.pk]}
    )

    claim.refresh_from_db()
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert claim.status == UnitOwnership.Status.PENDING
