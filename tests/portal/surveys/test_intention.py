from portal.members.profiles import member_profile_ensure
from portal.surveys.intention import profile_updates_from

INTENTION = [
    {"type": "text", "value": {"key": "purchase_area", "label": "意向区域", "required": True}},
    {"type": "text", "value": {"key": "purchase_budget", "label": "预算", "required": True}},
    {"type": "single_choice", "value": {"key": "purchase_type", "label": "意向物业类型",
                                        "required": True, "choices": ["公寓", "别墅"]}},
]  # fmt: skip
ANSWERS = {"q-purchase_area": "青浦区", "q-purchase_budget": "450", "q-purchase_type": "别墅"}


def test_answers_map_to_profile_fields():
    assert profile_updates_from(
        {"purchase_area": " 滨江区 ", "purchase_budget": "3OO", "purchase_type": "Villa"}
    ) == {"purchase_area": "滨江区", "purchase_type": "villa"}


def test_purchase_intention_updates_the_profile_only_with_consent(client, member, make_survey):
    page = make_survey(title="购房意向登记", questions=INTENTION, feeds_profile=True)
    other = make_survey(title="购房意向登记二", questions=INTENTION, feeds_profile=True)
    client.force_login(member)

    assert 'data-testid="profile-consent"' in client.get(page.url).content.decode()
    client.post(other.url, ANSWERS)  # no consent
    profile = member_profile_ensure(user=member)
    assert (profile.purchase_area, profile.purchase_budget) == ("", None)
    client.post(page.url, {**ANSWERS, "profile_consent": "1"})

    profile.refresh_from_db()
    assert (profile.purchase_area, profile.purchase_budget, profile.purchase_type) == (
        "青浦区",
        450,
        "villa",
    )
