"""The service desk: a call recorded as a case for the member, the masked and logged lookup,
and departments beyond the first three."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError

from forum.boards.models import TopicVisibility
from forum.cases.desk import case_open_for_member
from forum.cases.models import Case, Department
from forum.cases.services import case_override, case_status_change, case_take
from portal.members.models import Notice, PiiAccessLog
from portal.members.selectors import member_profile_for
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk_staff(db):
    user = UserFactory(username="desk")
    user.user_permissions.add(Permission.objects.get(codename="service_desk"))
    return user


@pytest.fixture
def caller(boards, project_a, staff_admin):
    from tests.conftest import make_owner

    owner = make_owner(project=project_a, username="caller", by=staff_admin)
    profile = member_profile_for(user=owner)
    profile.mobile = "13912345678"
    profile.real_name = "王小明"
    profile.save()
    return owner


def login(client, user):
    assert client.login(username=user.username, password=TEST_PASSWORD)


def test_a_phone_call_becomes_a_staff_only_case_for_the_member_and_reaches_the_department(
    boards, desk_staff, caller, departments, moderator, engineering_staff,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        case = case_open_for_member(
            by=desk_staff,
            member=caller,
            channel=Case.Channel.PHONE,
            type=Case.Type.COMPLAINT,
            subject="电话：车库积水",
            content="业主来电，车库积水严重",
        )
    case.refresh_from_db()
    assert (case.member, case.channel, case.type) == (caller, "phone", "complaint")
    assert case.project.name == caller.unit_ownerships.get().project.name
    assert TopicVisibility.objects.get(topic=case.topic).staff_only
    assert Notice.objects.filter(recipient=caller, kind="case_recorded").exists()

    case_override(
        case=case, by=moderator, version=case.version, department=departments["engineering"]
    )
    case_take(case=case, by=engineering_staff, version=case.version)
    case_status_change(
        case=case, by=engineering_staff, version=case.version, status="awaiting_member"
    )
    from forum.cases.selectors import case_list_for_member
    from forum.cases.services import can_confirm

    assert list(case_list_for_member(member=caller)) == [case]
    assert can_confirm(caller, case) and not can_confirm(desk_staff, case)


def test_only_the_desk_records_cases_and_bad_input_is_refused(
    boards, desk_staff, caller, engineering_staff, owner_b
):
    for wrong in (caller, engineering_staff, owner_b):
        with pytest.raises(PermissionDenied):
            case_open_for_member(
                by=wrong, member=caller, channel="phone", type="complaint", subject="x", content="y"
            )
    for channel, subject in (("forum", "x"), ("fax", "x"), ("phone", "")):
        with pytest.raises(ValidationError):
            case_open_for_member(
                by=desk_staff, member=caller, channel=channel, type="complaint",
                subject=subject, content="y",
            )  # fmt: skip
    assert not Case.objects.exists()


def test_the_lookup_by_phone_is_masked_and_logged(client, desk_staff, caller):
    login(client, desk_staff)

    page = client.post("/triage/desk/", {"q": "13912345678"}).content.decode()

    results = page[page.index('data-testid="desk-results"') :]
    assert "139****5678" in results and "13912345678" not in results
    assert "王**" in results and "王小明" not in results
    assert "13912345678" not in page.replace('value="13912345678"', "")
    assert PiiAccessLog.objects.filter(staff=desk_staff, member=caller).exists()
    member_page = client.get(f"/triage/desk/member/{caller.pk}/").content.decode()
    assert "139****5678" in member_page and "翠湖" in member_page
    assert PiiAccessLog.objects.filter(staff=desk_staff, member=caller).count() == 2


def test_the_desk_page_records_a_walk_in(client, desk_staff, caller, boards):
    login(client, desk_staff)
    unit = caller.unit_ownerships.get()

    bad = client.post(f"/triage/desk/member/{caller.pk}/", {"channel": "walk_in"})
    assert bad.status_code == 400 and not Case.objects.exists()
    response = client.post(
        f"/triage/desk/member/{caller.pk}/",
        {
            "channel": "walk_in",
            "type": "complaint",
            "subject": "到访：门禁坏了",
            "content": "业主到访反映门禁卡失灵",
            "unit": str(unit.pk),
            "contact_way": "phone",
            "visit_time": "周六上午",
        },
    )

    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.channel, case.unit, case.visit_time) == (
        "walk_in",
        f"{unit.building}-{unit.unit}",
        "周六上午",
    )


@pytest.mark.parametrize("who", ["visitor", "member", "engineering", "owner_b"])
def test_the_desk_is_refused_to_others(client, caller, engineering_staff, owner_b, who):
    users = {"member": caller, "engineering": engineering_staff, "owner_b": owner_b}
    if who in users:
        login(client, users[who])

    for response in (
        client.post("/triage/desk/", {"q": "13912345678"}),
        client.get(f"/triage/desk/member/{caller.pk}/"),
        client.post(f"/triage/desk/member/{caller.pk}/", {"channel": "phone"}),
    ):
        assert response.status_code in (302, 403)
        if who != "visitor":
            assert response.status_code == 403
    assert not PiiAccessLog.objects.exists()


def test_more_departments_are_seeded_inactive_and_work_once_switched_on(
    boards, member, moderator, complaint_forum
):
    from forum.cases.services import case_open
    from tests.conftest import make_topic

    seeded = Department.objects.filter(code__in=["market_research", "brand", "planning", "sales"])
    assert {d.name for d in seeded} == {"市研部", "品牌部", "策划部", "销售部"}
    assert not any(d.is_active for d in seeded)
    case = case_open(
        topic=make_topic(forum=complaint_forum, poster=member, subject="样板间开放时间")
    )
    sales = seeded.get(code="sales")
    with pytest.raises(ValidationError):
        case_override(case=case, by=moderator, version=case.version, department=sales)

    sales.is_active = True
    sales.save()
    case.refresh_from_db()
    case_override(case=case, by=moderator, version=case.version, department=sales)
    case.refresh_from_db()
    assert case.department == sales


def test_the_desk_finds_its_way_in_from_the_header(client, desk_staff, caller, member):
    client.force_login(desk_staff)
    assert 'href="/triage/desk/" data-testid="nav-desk"' in client.get("/me/").content.decode()

    client.force_login(member)
    assert 'data-testid="nav-desk"' not in client.get("/me/").content.decode()


def test_the_desk_page_names_only_the_topics_the_desk_may_read(
    client, desk_staff, caller, boards, complaint_forum, departments, project_a
):
    """The URL sweep found the desk page naming a staff-only complaint (routed to another
    department) and the caller's owners' board posts to a desk clerk who may read neither."""
    from tests.conftest import make_topic

    private = make_topic(forum=complaint_forum, poster=caller, subject="门牌号被泄露")
    TopicVisibility.objects.create(topic=private, staff_only=True)
    Case.objects.create(topic=private, department=departments["property"], status="assigned")
    public = make_topic(forum=complaint_forum, poster=caller, subject="外立面色差")
    Case.objects.create(topic=public, department=departments["design"], status="assigned")
    make_topic(forum=project_a.owners_board.forum, poster=caller, subject="电梯维保进度")
    client.force_login(desk_staff)

    page = client.get(f"/triage/desk/member/{caller.pk}/").content.decode()

    assert "外立面色差" in page
    assert "门牌号被泄露" not in page and "电梯维保进度" not in page
    assert "您无权查看的主题" in page  # the case is still listed, by number and status
