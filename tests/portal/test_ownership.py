from portal.members.models import UnitOwnership
from tests.conftest import make_topic
from tests.forum.test_boards import topic_url


def claim(client, member, project, unit="1201"):
    client.force_login(member)
    return client.post("/me/units/", {"project": project.pk, "building": "5栋", "unit": unit})


def test_member_claims_a_unit_and_sees_it_pending(client, member, project_a):
    response = claim(client, member, project_a)

    assert response.status_code == 302
    page = client.get("/me/units/").text
    assert "翠湖天地 5栋-1201" in page
    assert "待认证" in page


def test_the_same_unit_cannot_be_claimed_twice(client, member, project_a):
    claim(client, member, project_a)
    response = claim(client, member, project_a)

    assert "您已申报过该房产" in response.text
    assert UnitOwnership.objects.filter(member=member).count() == 1


def test_verification_opens_the_owners_board_and_makes_the_member_silver(
    client, member, project_a, owner_a, verifier
):
    topic = make_topic(forum=project_a.owners_board.forum, poster=owner_a, subject="电梯维保进度")
    claim(client, member, project_a)
    ownership = UnitOwnership.objects.get(member=member)
    assert client.get(topic_url(topic)).status_code == 403

    client.force_login(verifier)
    assert "5栋-1201" in client.get("/members/claims/").text
    client.post(f"/members/claims/{ownership.pk}/", {"decision": "verify"})

    client.force_login(member)
    assert "电梯维保进度" in client.get(topic_url(topic)).text
    assert "银卡" in client.get("/me/card/").text
    ownership.refresh_from_db()
    assert (ownership.status, ownership.decided_by) == ("verified", verifier)


def test_rejection_needs_a_reason_and_keeps_the_board_closed(
    client, member, project_a, owner_a, verifier
):
    topic = make_topic(forum=project_a.owners_board.forum, poster=owner_a, subject="电梯维保进度")
    claim(client, member, project_a)
    ownership = UnitOwnership.objects.get(member=member)
    client.force_login(verifier)

    client.post(f"/members/claims/{ownership.pk}/", {"decision": "reject", "reason": ""})
    ownership.refresh_from_db()
    assert ownership.status == "pending"

    client.post(f"/members/claims/{ownership.pk}/", {"decision": "reject", "reason": "查无此房"})

    client.force_login(member)
    assert client.get(topic_url(topic)).status_code == 403
    assert "查无此房" in client.get("/me/units/").text
    assert "普卡" in client.get("/me/card/").text


def test_claims_page_is_refused_to_members_owners_and_visitors(client, member, owner_a, project_a):
    claim(client, member, project_a)
    ownership = UnitOwnership.objects.get(member=member)

    for user in (member, owner_a):
        client.force_login(user)
        assert client.get("/members/claims/").status_code == 403
        assert (
            client.post(f"/members/claims/{ownership.pk}/", {"decision": "verify"}).status_code
            == 403
        )
    client.logout()
    assert client.get("/members/claims/").status_code == 302

    ownership.refresh_from_db()
    assert ownership.status == "pending"


def test_a_member_may_own_units_in_several_projects(client, member, project_a, project_b, verifier):
    claim(client, member, project_a)
    claim(client, member, project_b, unit="808")
    client.force_login(verifier)
    for ownership in UnitOwnership.objects.filter(member=member):
        client.post(f"/members/claims/{ownership.pk}/", {"decision": "verify"})

    assert set(member.groups.values_list("name", flat=True)) == {"业主：翠湖天地", "业主：滨江壹号"}


def test_a_city_verifier_sees_and_decides_only_claims_in_their_city(
    client, member, other_member, project_a, project_b, verifier
):
    from portal.members.models import VerifierCity

    VerifierCity.objects.create(user=verifier, city=project_a.city)  # 上海
    claim(client, member, project_a)
    claim(client, other_member, project_b)  # 杭州
    hangzhou = UnitOwnership.objects.get(member=other_member)

    client.force_login(verifier)
    page = client.get("/members/claims/").text
    response = client.post(f"/members/claims/{hangzhou.pk}/", {"decision": "verify"})

    assert project_a.name in page and project_b.name not in page
    assert response.status_code == 403
    hangzhou.refresh_from_db()
    assert hangzhou.status == UnitOwnership.Status.PENDING


def test_a_verifier_without_cities_decides_claims_everywhere(
    client, member, other_member, project_a, project_b, verifier
):
    claim(client, member, project_a)
    claim(client, other_member, project_b)

    client.force_login(verifier)
    page = client.get("/members/claims/").text

    assert project_a.name in page and project_b.name in page
