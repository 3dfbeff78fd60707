import json

import pytest
from django.core.exceptions import PermissionDenied

from forum.boards.models import Board
from forum.cases.models import Case, Department
from portal.members.cards import card_token
from portal.members.models import MemberProfile, PointsEntry, User
from portal.members.services import member_anonymise, member_card_reissue
from portal.members.staff_views import CARD_CHECKS_PER_MINUTE
from tests.conftest import make_topic
from tests.portal.conftest import staff_with

PAGES = {
    "/me/": "会员号",
    "/me/profile/": "真实姓名",
    "/me/units/": "申报房产",
    "/me/posts/": "我的主题与回复",
    "/me/cases/": "我的投诉与建议",
    "/me/points/": "等级与权益",
    "/me/rewards/": "积分兑换",
    "/me/card/": "会员号",
    "/me/settings/": "在我的帖子旁显示会员等级",
    "/me/delete/": "申请注销",
}


@pytest.fixture
def own_center(member, boards, project_a):
    """A member with something of their own on every page of the center."""
    import datetime

    from django.utils import timezone

    from tests.factories import UnitOwnershipFactory

    MemberProfile.objects.filter(user=member).update(
        mobile="13812341234",
        real_name="张三丰",
        notify_points=False,
        deletion_requested_at=timezone.make_aware(datetime.datetime(2026, 3, 8, 10)),
    )
    PointsEntry.objects.create(
        member=member, ledger="reward", amount=77, reason="端午活动", idempotency_key="k"
    )
    UnitOwnershipFactory(member=member, project=project_a, building="梧桐苑9栋", unit="901")
    make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="求推荐羽毛球馆")
    complaint = make_topic(
        forum=boards[Board.Kind.COMPLAINTS].forum, poster=member, subject="车库照明坏了"
    )
    Case.objects.create(topic=complaint, department=Department.objects.get(code="property"))
    return MemberProfile.objects.get(user=member)


def own_data(profile) -> dict[str, list[str]]:
    return {
        "/me/": [profile.member_number, ">77<"],
        "/me/profile/": ["张三丰", "13812341234"],
        "/me/units/": ["梧桐苑9栋"],
        "/me/posts/": ["求推荐羽毛球馆"],
        "/me/cases/": ["车库照明坏了", Department.objects.get(code="property").name],
        "/me/points/": ["端午活动", "77"],
        "/me/rewards/": ['data-testid="reward-balance">77<'],
        "/me/card/": [profile.member_number],
        "/me/settings/": [],
        "/me/delete/": ["2026-03-08"],
    }


@pytest.mark.parametrize(("url", "text"), PAGES.items())
def test_each_page_shows_the_members_own_center(client, own_center, url, text):
    client.force_login(own_center.user)

    response = client.get(url)

    assert response.status_code == 200
    assert text in response.text
    for mine in own_data(own_center)[url]:
        assert mine in response.text


def test_the_settings_page_shows_the_members_own_choices(client, own_center):
    import re

    client.force_login(own_center.user)

    page = client.get("/me/settings/").text

    def checkbox(name):
        return re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)

    assert "checked" not in checkbox("notify_points")
    assert "checked" in checkbox("notify_cases")


def test_a_member_without_data_sees_none_of_anothers(client, own_center, other_member):
    client.force_login(other_member)
    mine = MemberProfile.objects.get(user=other_member).member_number

    for url, theirs in own_data(own_center).items():
        page = client.get(url).text
        for text in theirs:
            if text not in ('data-testid="reward-balance">77<', ">77<", "77"):
                assert text not in page, (url, text)
        if url in ("/me/", "/me/card/"):
            assert mine in page


@pytest.mark.parametrize("url", [*PAGES, "/me/data.json"])
def test_each_page_is_refused_to_visitors(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_another_member_sees_only_their_own_data(client, member, other_member):
    PointsEntry.objects.create(
        member=member, ledger="reward", amount=77, reason="端午活动", idempotency_key="k"
    )
    MemberProfile.objects.filter(user=member).update(mobile="13812341234", real_name="张三丰")
    client.force_login(member)
    assert "端午活动" in client.get("/me/points/").text
    assert "13812341234" in client.get("/me/profile/").text
    assert json.loads(client.get("/me/data.json").content)["账户"]["用户名"] == "member1"

    client.force_login(other_member)

    assert "端午活动" not in client.get("/me/points/").text
    assert "13812341234" not in client.get("/me/profile/").text
    data = json.loads(client.get("/me/data.json").content)
    assert data["账户"]["用户名"] == "member2"
    assert data["积分"]["明细"] == []


def test_my_posts_lists_topics_and_replies_i_can_still_read(
    client, boards, member, owner_a, project_a, staff_admin
):
    from machina.apps.forum_conversation.models import Post

    from portal.members.services import unit_ownership_reject

    help_topic = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=owner_a,
                            subject="求推荐钢琴老师")  # fmt: skip
    Post.objects.create(topic=help_topic, poster=member, subject="回复", content="我知道一位",
                        approved=True)  # fmt: skip
    make_topic(forum=project_a.owners_board.forum, poster=owner_a, subject="电梯维保进度")
    client.force_login(owner_a)
    assert "电梯维保进度" in client.get("/me/posts/").text

    unit_ownership_reject(ownership=owner_a.unit_ownerships.get(), by=staff_admin, reason="过户")

    page = client.get("/me/posts/").text
    assert "求推荐钢琴老师" in page
    assert "电梯维保进度" not in page
    client.force_login(member)
    page = client.get("/me/posts/").text
    assert "求推荐钢琴老师" in page
    assert "回复" in page


def test_my_cases_lists_my_complaints_with_their_department(client, boards, member, other_member):
    topic = make_topic(forum=boards[Board.Kind.COMPLAINTS].forum, poster=member, subject="车库漏水")
    Case.objects.create(topic=topic, department=Department.objects.get(code="property"))
    client.force_login(member)

    page = client.get("/me/cases/").text

    assert "车库漏水" in page
    assert Department.objects.get(code="property").name in page
    client.force_login(other_member)
    assert "车库漏水" not in client.get("/me/cases/").text


def test_card_shows_level_number_and_an_inline_qr_code(client, member):
    client.force_login(member)
    profile = MemberProfile.objects.get(user=member)

    page = client.get("/me/card/").text

    assert "普卡" in page
    assert profile.member_number in page
    assert "<svg" in page
    assert "<img" not in page.split("member-card__qr")[1].split("</div>")[0]


def test_reissued_card_voids_the_old_qr_code(client, member):
    desk = staff_with("change_memberprofile", "view_memberprofile", username="desk")
    profile = MemberProfile.objects.get(user=member)
    old = f"/members/card/{card_token(profile=profile)}/"
    assert "会员卡有效" in client.get(old).text

    client.force_login(member)
    assert client.post(f"/members/{member.pk}/reissue/").status_code == 403
    client.force_login(desk)
    client.post(f"/members/{member.pk}/reissue/")

    assert client.get(old).status_code == 404
    profile.refresh_from_db()
    assert profile.card_serial == 2
    assert "会员卡有效" in client.get(f"/members/card/{card_token(profile=profile)}/").text


def test_card_check_masks_the_name(client, member):
    MemberProfile.objects.filter(user=member).update(real_name="张三丰")
    profile = MemberProfile.objects.get(user=member)

    page = client.get(f"/members/card/{card_token(profile=profile)}/").text

    assert "张**" in page
    assert "张三丰" not in page


def test_card_page_qr_carries_the_signed_token(client, member):
    client.force_login(member)
    profile = MemberProfile.objects.get(user=member)

    response = client.get("/me/card/")

    assert card_token(profile=profile) in response.context["verify_url"]


@pytest.mark.parametrize(
    "path",
    [
        # The old, guessable form: number and serial.
        "/members/card/KH{number:08d}/1/",
        # A token for a member number that was never signed by the site.
        "/members/card/%5B%22KH{number:08d}%22%2C1%5D:forged/",
        "/members/card/not-a-token/",
    ],
)
def test_card_check_refuses_guessed_and_forged_codes(client, member, path):
    response = client.get(path.format(number=member.pk))

    assert response.status_code == 404
    assert "会员卡有效" not in response.text


def test_card_check_is_rate_limited_per_address(client, member):
    profile = MemberProfile.objects.get(user=member)
    url = f"/members/card/{card_token(profile=profile)}/"
    for _ in range(CARD_CHECKS_PER_MINUTE):
        assert client.get(url).status_code == 200

    response = client.get(url)

    assert response.status_code == 429
    assert "会员卡有效" not in response.text


def test_settings_are_saved(client, member):
    client.force_login(member)

    client.post("/me/settings/", {"notify_cases": "on", "allow_sales_contact": "on"})

    profile = MemberProfile.objects.get(user=member)
    assert (profile.notify_points, profile.notify_cases, profile.show_level_badge) == (
        False, True, False,
    )  # fmt: skip
    assert profile.allow_sales_contact


def test_badge_level_respects_the_privacy_setting(member, owner_a):
    from portal.members.selectors import member_level_for

    assert member_level_for(User.objects.get(pk=owner_a.pk)).code == "silver"
    MemberProfile.objects.filter(user=member).update(show_level_badge=False)
    assert member_level_for(User.objects.get(pk=member.pk)) is None
    assert member_level_for(None) is None


def test_download_my_data(client, member):
    MemberProfile.objects.filter(user=member).update(mobile="13812341234")
    client.force_login(member)

    response = client.get("/me/data.json")

    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    # Under the labels the site shows, choices by their names, times in local time.
    assert data["资料"]["手机号"] == "13812341234"
    assert data["资料"]["会员等级"] == "普卡"
    assert data["账户"]["入会时间"].endswith("+08:00")


def test_deletion_request_and_staff_completion(client, boards, member):
    topic = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="旧帖")
    MemberProfile.objects.filter(user=member).update(mobile="13812341234", real_name="张三丰")
    client.force_login(member)
    client.post("/me/delete/")
    assert MemberProfile.objects.get(user=member).deletion_requested_at is not None

    desk = staff_with("change_memberprofile", "view_memberprofile", username="desk")
    client.force_login(desk)
    assert "热心会员" in client.get("/members/deletions/").text
    client.post(f"/members/{member.pk}/anonymise/")

    member.refresh_from_db()
    profile = MemberProfile.objects.get(user=member)
    assert (member.is_active, member.email, member.display_name) == (False, "", "已注销用户")
    assert (profile.mobile, profile.real_name) == (None, "")
    assert not member.has_usable_password()
    topic.refresh_from_db()
    assert topic.poster == member
    assert topic.poster.public_name == "已注销用户"


def test_only_staff_with_the_permission_complete_deletions(member, other_member):
    with pytest.raises(PermissionDenied):
        member_anonymise(member=member, by=other_member)
    with pytest.raises(PermissionDenied):
        member_card_reissue(member=member, by=other_member)
