import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from portal.members.models import MemberProfile, PointsEntry, User
from tests.factories import UserFactory

SIGNUP = {
    "username": "newcomer",
    "email": "newcomer@example.com",
    "password1": "a-long-pass-phrase",
    "password2": "a-long-pass-phrase",
    "real_name": "王小明",
    "mobile": "13912345678",
    "city": "上海",
    "privacy_consent": "on",
}


def test_join_form_is_part_of_sign_up(client, db):
    response = client.get("/accounts/signup/")

    for name in ("real_name", "mobile", "city", "interests", "purchase_budget"):
        assert f'name="{name}"' in response.text


def test_sign_up_with_the_join_form_creates_the_member_profile(client, db):
    response = client.post(
        "/accounts/signup/", SIGNUP | {"interests": ["sports", "family"], "birth_year": "1985"}
    )

    assert response.status_code == 302
    user = User.objects.get(username="newcomer")
    profile = user.member_profile
    assert (profile.real_name, profile.mobile, profile.city) == ("王小明", "13912345678", "上海")
    assert profile.interest_codes == ["sports", "family"]
    assert profile.birth_year == 1985
    assert profile.member_number == f"KH{user.pk:08d}"
    assert profile.level.code == "basic"
    assert user.display_name == "王小明"
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("mobile", ["12912345678", "1391234567", "139123456789", "abcdefghijk"])
def test_bad_mobile_is_refused(client, db, mobile):
    response = client.post("/accounts/signup/", SIGNUP | {"mobile": mobile})

    assert response.status_code == 200
    assert "手机号" in response.text
    assert not User.objects.filter(username="newcomer").exists()


def test_duplicate_mobile_is_refused(client, db):
    existing = UserFactory(username="first")
    MemberProfile.objects.filter(user=existing).update(mobile="13912345678")

    response = client.post("/accounts/signup/", SIGNUP)

    assert response.status_code == 200
    assert "该手机号已注册" in response.text
    assert not User.objects.filter(username="newcomer").exists()


def test_name_and_mobile_are_required_the_rest_is_optional(client, db):
    response = client.post("/accounts/signup/", SIGNUP | {"real_name": "", "mobile": ""})

    assert response.status_code == 200
    assert not User.objects.filter(username="newcomer").exists()
    assert not EmailAddress.objects.filter(email="newcomer@example.com").exists()


def test_every_account_has_a_profile_and_a_unique_member_number(db):
    users = [UserFactory() for _ in range(3)]

    numbers = {u.member_profile.member_number for u in users}

    assert len(numbers) == 3


def test_completing_the_profile_pays_once(client, member):
    client.force_login(member)
    complete = {
        "display_name": "热心会员",
        "real_name": "李四",
        "mobile": "13800001111",
        "city": "杭州",
        "gender": "male",
        "birth_year": "1990",
        "family": "couple",
        "how_heard": "friend",
        "interests": ["sports"],
    }

    client.post("/me/profile/", complete)
    client.post("/me/profile/", complete | {"city": "上海"})

    entries = PointsEntry.objects.filter(member=member, rule__code="profile_completed")
    assert sorted(entries.values_list("ledger", "amount")) == [("reward", 100), ("upgrade", 100)]
    assert MemberProfile.objects.get(user=member).city == "上海"
