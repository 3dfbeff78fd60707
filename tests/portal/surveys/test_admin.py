import datetime

from django.utils import timezone

from portal.surveys.models import OwnersVote, UnitArea


def vote_form(project, **fields):
    closes = timezone.localtime() + datetime.timedelta(days=7)
    opens = timezone.localtime()
    return {
        "project": project.pk,
        "buildings": "1栋",
        "title": "更换电梯",
        "description": "使用维修资金更换 1 栋电梯。",
        "opens_at_0": opens.strftime("%Y-%m-%d"),
        "opens_at_1": opens.strftime("%H:%M:%S"),
        "closes_at_0": closes.strftime("%Y-%m-%d"),
        "closes_at_1": closes.strftime("%H:%M:%S"),
        "rule": "major",
        "weighted_by_area": "on",
        "options-TOTAL_FORMS": "2",
        "options-INITIAL_FORMS": "0",
        "options-MIN_NUM_FORMS": "0",
        "options-MAX_NUM_FORMS": "1000",
        "options-0-label": "同意",
        "options-0-approves": "on",
        "options-0-sort_order": "0",
        "options-1-label": "反对",
        "options-1-sort_order": "1",
        **fields,
    }


def test_administrator_creates_a_vote_with_the_register_of_its_buildings(
    client, staff_admin, project_a
):
    UnitArea.objects.create(project=project_a, building="1栋", unit="101", area="88.8")
    UnitArea.objects.create(project=project_a, building="2栋", unit="201", area="99.9")
    client.force_login(staff_admin)

    response = client.post("/django-admin/surveys/ownersvote/add/", vote_form(project_a))

    assert response.status_code == 302
    vote = OwnersVote.objects.get()
    assert [str(u) for u in vote.units.all()] == ["1栋-101"]
    assert [o.label for o in vote.options.filter(approves=True)] == ["同意"]
    assert vote.created_by == staff_admin


def test_a_vote_without_units_in_the_register_is_refused(client, staff_admin, project_a):
    client.force_login(staff_admin)

    response = client.post("/django-admin/surveys/ownersvote/add/", vote_form(project_a))

    assert response.status_code == 200
    assert "房屋面积登记中没有该楼盘或楼栋的房屋" in response.content.decode()
    assert not OwnersVote.objects.exists()


def test_members_cannot_reach_the_vote_admin(client, owner_a):
    client.force_login(owner_a)

    assert client.get("/django-admin/surveys/ownersvote/add/").status_code == 302
