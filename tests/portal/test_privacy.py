import csv
import io

import pytest
from django.template import Context, Template

from portal.members.models import MemberProfile, PiiAccessLog
from portal.members.privacy import (
    can_see_pii,
    mask_email,
    mask_mobile,
    mask_name,
    pii_access_log,
)
from tests.portal.conftest import staff_with


def with_mobile(member, mobile="13812341234", **fields):
    MemberProfile.objects.filter(user=member).update(mobile=mobile, real_name="张三丰", **fields)
    return member


def test_masking_helpers():
    assert mask_mobile("13812341234") == "138****1234"
    assert mask_mobile("") == ""
    assert mask_mobile(None) == ""
    assert mask_email("zhang.san@example.com") == "z***@example.com"
    assert mask_name("张三丰") == "张**"


def test_template_filters_mask():
    rendered = Template(
        "{% load privacy %}{{ m|mask_mobile }} {{ e|mask_email }} {{ n|mask_name }}"
    ).render(Context({"m": "13812341234", "e": "li@example.com", "n": "李四"}))

    assert rendered == "138****1234 l***@example.com 李*"


def test_staff_without_pii_permission_sees_masked_data_and_nothing_is_logged(client, member):
    with_mobile(member)
    viewer = staff_with("view_memberprofile", username="viewer")
    client.force_login(viewer)

    listing = client.get("/members/").text
    detail = client.get(f"/members/{member.pk}/").text

    for page in (listing, detail):
        assert "138****1234" in page
        assert "13812341234" not in page
        assert "张三丰" not in page
    assert not PiiAccessLog.objects.exists()


def test_staff_with_pii_permission_sees_data_and_each_view_is_logged(client, member):
    with_mobile(member)
    officer = staff_with("view_memberprofile", "view_member_pii", username="officer")
    client.force_login(officer)

    assert "13812341234" in client.get(f"/members/{member.pk}/").text
    assert "13812341234" in client.get("/members/").text

    logs = PiiAccessLog.objects.filter(staff=officer, member=member)
    assert sorted(logs.values_list("what", flat=True)) == [
        "member detail: full profile",
        "member list: name, mobile",
    ]


def test_member_pages_are_refused_to_members_and_visitors(client, member, other_member):
    with_mobile(member)
    client.force_login(other_member)
    assert client.get("/members/").status_code == 403
    assert client.get(f"/members/{member.pk}/").status_code == 403
    client.logout()
    assert client.get(f"/members/{member.pk}/").status_code == 302


def test_csv_export_needs_the_export_permission_and_is_logged(client, member, other_member):
    with_mobile(member, city="上海", interests=",sports,")
    with_mobile(other_member, mobile="13900000000", city="杭州")
    viewer = staff_with("view_memberprofile", "view_member_pii", username="viewer")
    exporter = staff_with(
        "view_memberprofile", "view_member_pii", "export_members", username="exporter"
    )

    client.force_login(viewer)
    assert client.get("/members/?export=csv").status_code == 403
    assert not PiiAccessLog.objects.filter(what__startswith="CSV").exists()

    client.force_login(exporter)
    response = client.get("/members/?city=上海&export=csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["member_number", "username", "real_name", "mobile"]
    assert [row[1] for row in rows[1:]] == [member.username]
    assert rows[1][3] == "13812341234"
    assert (
        PiiAccessLog.objects.filter(
            staff=exporter, member=member, what__startswith="CSV export"
        ).count()
        == 1
    )


def test_csv_export_without_the_pii_permission_masks_names_mobiles_and_emails(client, member):
    with_mobile(member, city="上海")
    member.email = "zhang.san@example.com"
    member.save()
    exporter = staff_with("view_memberprofile", "export_members", username="exporter")
    client.force_login(exporter)

    response = client.get("/members/?export=csv")

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["member_number", "username", "real_name", "mobile", "email"]
    (row,) = [row for row in rows[1:] if row[1] == member.username]
    assert row[2:6] == ["张**", "138****1234", "z***@example.com", "上海"]
    assert "13812341234" not in response.content.decode("utf-8-sig")
    assert "张三丰" not in response.content.decode("utf-8-sig")
    assert "zhang.san@" not in response.content.decode("utf-8-sig")
    log = PiiAccessLog.objects.get(staff=exporter, member=member)
    assert log.what == "CSV export (masked)"


def test_csv_export_with_the_pii_permission_writes_full_data_beside_the_masked_one(client, member):
    with_mobile(member)
    member.email = "zhang.san@example.com"
    member.save()
    client.force_login(
        staff_with("view_memberprofile", "view_member_pii", "export_members", username="officer")
    )

    rows = list(
        csv.reader(io.StringIO(client.get("/members/?export=csv").content.decode("utf-8-sig")))
    )

    (row,) = [row for row in rows[1:] if row[1] == member.username]
    assert row[2:5] == ["张三丰", "13812341234", "zhang.san@example.com"]


def test_member_list_filters(client, member, other_member, project_a, owner_a):
    with_mobile(member, city="上海", interests=",sports,")
    with_mobile(other_member, mobile="13900000000", city="杭州", interests=",culture,")
    client.force_login(staff_with("view_memberprofile", username="viewer"))

    def listed(query):
        page = client.get(f"/members/?{query}")
        return {p.user.username for p in page.context["page"]}

    assert listed("city=上海") == {"member1"}
    assert listed("interest=culture") == {"member2"}
    assert listed(f"project={project_a.pk}") == {"owner_a"}
    assert listed("verification=verified") == {"owner_a"}
    assert "member1" in listed("verification=none")
    assert listed("level=" + str(MemberProfile.objects.get(user=owner_a).level_id)) >= {"owner_a"}


def test_member_list_query_count_does_not_grow_with_members(
    client, db, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    client.force_login(staff_with("view_memberprofile", "view_member_pii", username="officer"))
    UserFactory.create_batch(2)
    client.get("/members/")  # warm the session and content types
    with django_assert_max_num_queries(12) as few:
        client.get("/members/")
    UserFactory.create_batch(20)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/members/")

    assert len(response.context["page"]) == 23


@pytest.mark.parametrize(
    ("mobile", "masked"),
    [("13812341234", "138****1234"), ("+8613812341234", "+86*******1234"), ("1234567", "1234567"),
     ("123456", "******"), ("1", "*"), ("", ""), (None, ""), (13812341234, "138****1234")],
)  # fmt: skip
def test_mask_mobile_keeps_three_then_four_characters(mobile, masked):
    assert mask_mobile(mobile) == masked


@pytest.mark.parametrize(
    ("email", "masked"),
    [("zhang.san@example.com", "z***@example.com"), ("a@b.cn", "a***@b.cn"),
     ("@example.com", "***@example.com"), ("13812341234", "138****1234"), ("", ""), (None, "")],
)  # fmt: skip
def test_mask_email_keeps_the_first_letter_and_the_domain(email, masked):
    assert mask_email(email) == masked


@pytest.mark.parametrize(
    ("name", "masked"), [("张三丰", "张**"), ("李四", "李*"), ("王", "王"), ("", ""), (None, "")]
)
def test_mask_name_keeps_the_family_name(name, masked):
    assert mask_name(name) == masked


def test_only_the_member_and_pii_staff_may_see_pii(member, other_member):
    from django.contrib.auth.models import AnonymousUser

    officer = staff_with("view_member_pii", username="officer")
    viewer = staff_with("view_memberprofile", username="viewer")

    assert can_see_pii(viewer=member, member=member)
    assert can_see_pii(viewer=officer, member=member)
    assert not can_see_pii(viewer=other_member, member=member)
    assert not can_see_pii(viewer=viewer, member=member)
    assert not can_see_pii(viewer=AnonymousUser(), member=member)


def test_the_access_log_skips_the_members_own_views_and_keeps_100_characters(member, other_member):
    officer = staff_with("view_member_pii", username="officer")

    logged = pii_access_log(staff=officer, members=[member, officer, other_member], what="x" * 120)

    assert logged == 2
    rows = PiiAccessLog.objects.order_by("member_id")
    assert [(r.staff, r.member) for r in rows] == [(officer, member), (officer, other_member)]
    assert {r.what for r in rows} == {"x" * 100}
    assert pii_access_log(staff=member, members=[member], what="own") == 0
    assert PiiAccessLog.objects.count() == 2
