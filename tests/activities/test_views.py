import io

import pytest
from django.urls import reverse

from portal.activities.models import ExperienceSummary, Signup
from portal.activities.services import activity_check_in, activity_sign_up
from portal.members.cards import card_token
from portal.members.models import PiiAccessLog
from tests.activities.conftest import activity_staff, in_days, make_activity
from tests.conftest import staff_of
from tests.factories import UserFactory


def test_member_signs_up_from_the_page_and_sees_it_in_me(client, activity, member):
    client.force_login(member)
    page = client.get(activity.url).content.decode()
    assert 'data-testid="activity-signup"' in page

    response = client.post(reverse("activity_signup", args=[activity.pk]), {"companions": "1"})
    mine = client.get("/me/activities/").content.decode()
    after = client.get(activity.url).content.decode()

    assert response.status_code == 302
    assert Signup.objects.get(member=member).companions == 1
    assert activity.title in mine
    assert 'data-state="signed_up"' in after
    assert 'data-testid="activity-cancel"' in after


def test_bad_sign_up_input_gives_a_message_not_500(client, activity, member):
    client.force_login(member)

    bad = client.post(reverse("activity_signup", args=[activity.pk]), {"companions": "²"})
    too_many = client.post(
        reverse("activity_signup", args=[activity.pk]), {"companions": "5"}, follow=True
    )

    assert bad.status_code == 302
    assert not Signup.objects.filter(member=member).exists()
    assert too_many.status_code == 200


def test_visitor_sign_up_goes_to_login(client, activity):
    response = client.post(reverse("activity_signup", args=[activity.pk]), {"companions": "0"})

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Signup.objects.exists()


def test_member_cancels_from_the_page(client, activity, member):
    activity_sign_up(activity=activity, member=member)
    client.force_login(member)

    client.post(reverse("activity_cancel", args=[activity.pk]))

    assert Signup.objects.get(member=member).status == "cancelled"


def test_attendee_rates_from_me(client, activity, member, attended_rule):
    activity_sign_up(activity=activity, member=member)
    door = activity_staff("check_in_signup", username="door")
    activity_check_in(activity=activity, code=member.member_profile.member_number, by=door)
    client.force_login(member)
    assert 'data-testid="activity-rate"' in client.get("/me/activities/").content.decode()

    client.post(reverse("activity_rate", args=[activity.pk]), {"rating": "5", "comment": "好"})

    assert Signup.objects.get(member=member).rating == 5


# --- staff pages refused to the wrong person ----------------------------------------------------

STAFF_PAGES = (
    ("activities_staff_signups", True),
    ("activities_check_in", True),
    ("activities_staff_summary", True),
    ("activities_cases", False),
    ("activities_plan", False),
)


@pytest.mark.parametrize(("name", "per_activity"), STAFF_PAGES)
def test_staff_pages_refused_to_wrong_people(client, activity, member, boards, name, per_activity):
    url = reverse(name, args=[activity.pk]) if per_activity else reverse(name)
    # a visitor is sent to log in
    assert "/accounts/login/" in client.get(url)["Location"]
    wrong = [
        member,
        staff_of("property", username="property_staff"),  # another department
        activity_staff("view_memberprofile", username="member_service", app_label="portal"),
        UserFactory(username="owner_elsewhere"),
    ]
    for person in wrong:
        client.force_login(person)
        assert client.get(url).status_code == 403, (name, person)


def test_call_center_and_export_refused_without_their_permissions(client, activity, member):
    lister = activity_staff("view_signup", username="lister")
    client.force_login(lister)
    url = reverse("activities_staff_signups", args=[activity.pk])

    export = client.get(url + "?export=csv")
    add = client.post(
        reverse("activities_staff_signup_add", args=[activity.pk]),
        {"member": member.member_profile.member_number, "companions": "0"},
    )

    assert export.status_code == 403
    assert add.status_code == 403
    assert not Signup.objects.exists()


def test_sign_up_list_is_masked_and_export_logged_and_neutralised(client, activity, member):
    profile = member.member_profile
    profile.real_name = "张三丰"
    profile.mobile = "13812341234"
    profile.save()
    sneaky = UserFactory(username="sneaky", display_name="=HYPERLINK(1)")
    activity_sign_up(activity=activity, member=member)
    activity_sign_up(activity=activity, member=sneaky)
    staff = activity_staff("view_signup", "export_signups", username="organiser")
    client.force_login(staff)
    url = reverse("activities_staff_signups", args=[activity.pk])

    page = client.get(url).content.decode()
    export = client.get(url + "?export=csv").content.decode("utf-8-sig")

    assert "138****1234" in page and "13812341234" not in page
    assert "张**" in page and "张三丰" not in page
    assert "138****1234" in export and "13812341234" not in export
    assert "'=HYPERLINK(1)" in export
    assert PiiAccessLog.objects.filter(staff=staff, member=member).exists()


def test_call_center_signs_a_member_up_by_number(client, activity, member):
    staff = activity_staff("view_signup", "add_signup", username="callcenter")
    client.force_login(staff)

    client.post(
        reverse("activities_staff_signup_add", args=[activity.pk]),
        {"member": member.member_profile.member_number, "companions": "0"},
    )
    unknown = client.post(
        reverse("activities_staff_signup_add", args=[activity.pk]),
        {"member": "KH99999999", "companions": "0"},
        follow=True,
    )

    signup = Signup.objects.get(member=member)
    assert signup.signed_up_by == staff and signup.status == "confirmed"
    assert unknown.status_code == 200


def test_check_in_page_on_a_phone(client, activity, member, attended_rule):
    activity_sign_up(activity=activity, member=member, companions=1)
    door = activity_staff("check_in_signup", username="door")
    client.force_login(door)
    url = reverse("activities_check_in", args=[activity.pk])

    ok = client.post(url, {"code": card_token(profile=member.member_profile)})
    again = client.post(url, {"code": member.member_profile.member_number})
    empty = client.post(url, {"code": ""})

    assert ok.status_code == 200
    assert 'data-result="ok"' in ok.content.decode()
    assert member.member_profile.member_number in ok.content.decode()
    assert again.status_code == 409 and 'data-result="refused"' in again.content.decode()
    assert empty.status_code == 400


def test_summary_case_library_recap_and_plan(client, activity_index, member, attended_rule):
    from cms.models import NewsIndexPage, NewsPage
    from tests.activities.conftest import publish_child

    publish_child(activity_index.get_parent(), NewsIndexPage(title="新闻", slug="news"))
    activity = make_activity(activity_index, slug="wine", title="品酒会", budget=5000)
    activity_sign_up(activity=activity, member=member)
    staff = activity_staff(
        "change_experiencesummary", "view_experiencesummary", "view_activity_plan",
        "check_in_signup", username="planner",
    )  # fmt: skip
    activity_check_in(activity=activity, code=member.member_profile.member_number, by=staff)
    client.force_login(staff)

    client.post(
        reverse("activities_staff_summary", args=[activity.pk]),
        {"went_well": "选酒讲解很受欢迎", "to_improve": "签到排队", "cost": "4800"},
    )
    library = client.get(reverse("activities_cases") + "?q=选酒").content.decode()
    nothing = client.get(reverse("activities_cases") + "?q=高尔夫").content.decode()
    recap = client.post(reverse("activities_staff_recap", args=[activity.pk]))
    plan = client.get(reverse("activities_plan") + f"?year={activity.starts_at.year}")
    xlsx = client.get(reverse("activities_plan") + f"?year={activity.starts_at.year}&export=xlsx")
    bad_year = client.get(reverse("activities_plan") + "?year=abc")

    assert ExperienceSummary.objects.get(activity=activity).cost == 4800
    assert "品酒会" in library and "品酒会" not in nothing
    article = NewsPage.objects.get()
    assert recap.status_code == 302 and not article.live and "品酒会" in article.title
    assert "品酒会" in plan.content.decode()
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == "品酒会" and rows[1][6] == 5000 and rows[1][10] == 1
    assert bad_year.status_code == 200


def test_sign_up_respects_the_page_view_restriction(client, activity, member):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(
        page=activity, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    client.force_login(member)

    response = client.post(reverse("activity_signup", args=[activity.pk]), {"companions": "0"})

    assert response.status_code == 403
    assert not Signup.objects.exists()


def test_activity_staff_get_the_header_link_members_do_not(client, activity, member):
    planner = activity_staff("view_activity_plan", username="planner")
    door = activity_staff("check_in_signup", username="door")

    client.force_login(member)
    assert 'data-testid="nav-activities"' not in client.get("/activities/").content.decode()
    client.force_login(planner)
    planner_page = client.get("/activities/").content.decode()
    client.force_login(door)
    door_page = client.get("/me/").content.decode()

    assert 'href="/activities/staff/plan/" data-testid="nav-activities"' in planner_page
    assert 'data-testid="nav-activities"' in door_page


def test_call_center_cancels_for_a_member_after_the_deadline(client, activity_index, member):
    activity = make_activity(activity_index, slug="soon", capacity=1, cancel_deadline=in_days(-1))
    first = activity_sign_up(activity=activity, member=member)
    waiting = activity_sign_up(activity=activity, member=UserFactory(username="next"))
    staff = activity_staff("view_signup", "add_signup", username="callcenter")
    url = reverse("activities_staff_signup_cancel", args=[activity.pk, first.pk])

    client.force_login(member)
    assert client.post(url).status_code == 403
    client.force_login(staff)
    client.post(url)

    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == "cancelled" and waiting.status == "confirmed"


def test_cms_listing_links_an_activity_to_its_sign_up_list(client, activity, staff_admin):
    client.force_login(staff_admin)

    listing = client.get(f"/cms/pages/{activity.get_parent().pk}/").content.decode()

    assert reverse("activities_staff_signups", args=[activity.pk]) in listing
