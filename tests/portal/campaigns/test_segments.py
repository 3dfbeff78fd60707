"""Segments: each filter selects exactly its members; consent counted per channel and kind; the
live count endpoint; export logged as personal-data access; staff permission required."""

import datetime
import json

import pytest
from django.utils import timezone

from portal.activities.models import Signup
from portal.campaigns.models import Campaign, Segment
from portal.campaigns.selectors import segment_members, segment_reach
from portal.members.models import MemberProfile, PiiAccessLog, UnitOwnership
from portal.members.services import housing_project_ensure
from tests.portal.campaigns.conftest import campaigns_staff, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(levels):
    year = timezone.localdate().year
    project = housing_project_ensure(name="翠湖天地", slug="cuihu", city="上海")
    people = {
        "shanghai_gold": member(
            "sh_gold",
            city="上海",
            level=levels["gold"],
            birth_year=year - 35,
            interests=",sports,culture,",
            family="young_children",
            birth_month=6,
            birth_day=8,
            purchase_budget=300,
            mobile="13800000001",
            sms_club_news=True,
        ),
        "hangzhou_basic": member(
            "hz_basic",
            city="杭州",
            level=levels["basic"],
            birth_year=year - 62,
            interests=",home,",
            family="single",
            purchase_type="villa",
            notify_club_news=False,
        ),
        "shanghai_silver": member(
            "sh_silver",
            city="上海",
            level=levels["silver"],
            birth_year=year - 28,
            notice_club_news=False,
            mobile="13800000002",
        ),
    }
    UnitOwnership.objects.create(
        member=people["shanghai_gold"],
        project=project,
        building="1",
        unit="1",
        status=UnitOwnership.Status.VERIFIED,
    )
    people["project"] = project
    return people


def names(filters):
    return sorted(segment_members(filters=filters).values_list("username", flat=True))


def test_each_filter_selects_exactly_its_members(people, levels):
    assert names({}) == ["hz_basic", "sh_gold", "sh_silver"]
    assert names({"levels": ["gold", "silver"]}) == ["sh_gold", "sh_silver"]
    assert names({"cities": ["杭州"]}) == ["hz_basic"]
    assert names({"projects": [people["project"].pk]}) == ["sh_gold"]
    assert names({"owner": "yes"}) == ["sh_gold"]
    assert names({"owner": "no"}) == ["hz_basic", "sh_silver"]
    assert names({"interests": ["culture", "home"]}) == ["hz_basic", "sh_gold"]
    assert names({"family": ["single"]}) == ["hz_basic"]
    assert names({"age_min": 30, "age_max": 40}) == ["sh_gold"]
    assert names({"age_min": 60}) == ["hz_basic"]
    assert names({"birth_month": 6}) == ["sh_gold"]
    assert names({"intention": "yes"}) == ["hz_basic", "sh_gold"]
    assert names({"purchase_types": ["villa"]}) == ["hz_basic"]
    assert names({"budget_min": 200}) == ["sh_gold"]
    assert names({"cities": ["上海"], "levels": ["silver"]}) == ["sh_silver"]


def test_activity_attendance_and_last_active(people):
    from tests.sweep_world import _activities_build

    objects = {}
    _activities_build(objects, {"author": people["shanghai_silver"]})
    Signup.objects.filter(pk=objects["signup"].pk).update(checked_in_at=timezone.now())
    type(people["hangzhou_basic"]).objects.filter(username="hz_basic").update(
        last_login=timezone.now() - datetime.timedelta(days=2)
    )

    assert names({"attended": "yes"}) == ["sh_silver"]
    assert names({"attended": "no"}) == ["hz_basic", "sh_gold"]
    assert names({"active_days": 7}) == ["hz_basic"]
    assert names({"inactive_days": 7}) == ["sh_gold", "sh_silver"]


def test_leaving_and_anonymised_members_are_never_in_a_segment(people):
    MemberProfile.objects.filter(user=people["hangzhou_basic"]).update(
        deletion_requested_at=timezone.now()
    )
    MemberProfile.objects.filter(user=people["shanghai_silver"]).update(
        anonymised_at=timezone.now()
    )
    assert names({}) == ["sh_gold"]


def test_consent_counts_per_channel_for_marketing_and_service(people):
    marketing = segment_reach(filters={})
    service = segment_reach(filters={}, kind=Campaign.Kind.SERVICE)

    # mail: hz_basic said no; sms: only sh_gold said yes (sh_silver has a number, no consent);
    # site: sh_silver said no.
    assert marketing == {"members": 3, "mail": 2, "sms": 1, "site": 2}
    # Service messages reach every address: all mails, both mobiles, every inbox.
    assert service == {"members": 3, "mail": 3, "sms": 2, "site": 3}


def test_live_count_endpoint_answers_staff_with_json(client, people, editor):
    client.force_login(editor)
    response = client.get("/campaigns/segments/count/", {"cities": "上海, 杭州", "owner": "no"})

    assert response.status_code == 200
    assert json.loads(response.content) == {"members": 2, "mail": 1, "sms": 0, "site": 1}


def test_live_count_refuses_bad_filters_with_the_reason(client, people, editor):
    client.force_login(editor)
    response = client.get("/campaigns/segments/count/", {"age_min": 50, "age_max": 20})

    assert response.status_code == 400
    assert "age_max" in json.loads(response.content)["errors"]


def test_segment_is_saved_from_the_form(client, people, editor):
    client.force_login(editor)
    response = client.post(
        "/campaigns/segments/new/",
        {"name": "上海金卡", "cities": "上海", "levels": ["gold"], "owner": ""},
    )

    segment = Segment.objects.get(name="上海金卡")
    assert response.status_code == 302
    assert segment.filters == {"cities": ["上海"], "levels": ["gold"]}
    page = client.get(response["Location"])
    assert page.context["reach"]["members"] == 1
    assert b'data-count-url="/campaigns/segments/count/"' in page.content


def test_export_is_logged_as_personal_data_access(client, people):
    exporter = campaigns_staff("exporter", "view_segment", "export_segment")
    segment = Segment.objects.create(name="上海", filters={"cities": ["上海"]})
    client.force_login(exporter)

    response = client.get(f"/campaigns/segments/{segment.pk}/export/")

    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200
    assert "sh_gold" in text and "sh_silver" in text and "hz_basic" not in text
    logged = PiiAccessLog.objects.filter(staff=exporter)
    assert sorted(logged.values_list("member__username", flat=True)) == ["sh_gold", "sh_silver"]
    assert logged.first().what == "segment export: 上海"


def test_wrong_people_are_refused(client, people, editor):
    segment = Segment.objects.create(name="上海", filters={"cities": ["上海"]})
    urls = [
        "/campaigns/segments/count/",
        f"/campaigns/segments/{segment.pk}/export/",
        f"/campaigns/segments/{segment.pk}/",
        "/campaigns/segments/new/",
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: log in
    client.force_login(people["shanghai_gold"])
    for url in urls:
        assert client.get(url).status_code == 403
    client.force_login(editor)  # may edit, not export
    assert client.get(urls[1]).status_code == 403
    assert not PiiAccessLog.objects.exists()


def test_a_blank_address_reaches_no_one_whatever_the_consent(people):
    # A member whose email was cleared and one whose mobile is blank (not NULL) both said yes
    # to marketing; neither has an address on that channel, for marketing or service.
    no_mail = member("no_mail", notify_club_news=True)
    type(no_mail).objects.filter(pk=no_mail.pk).update(email="")
    member("blank_mobile", mobile="", sms_club_news=True)

    marketing = segment_reach(filters={})
    service = segment_reach(filters={}, kind=Campaign.Kind.SERVICE)

    assert marketing == {"members": 5, "mail": 3, "sms": 1, "site": 4}
    assert service == {"members": 5, "mail": 4, "sms": 2, "site": 5}
