"""The structured complaint form: unit, category, contact way and visit time land on the case."""

import pytest
from django.urls import reverse

from forum.boards.models import Board
from forum.cases.models import Case, Category
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def create_url(forum):
    return reverse(
        "forum_conversation:topic_create", kwargs={"forum_slug": forum.slug, "forum_pk": forum.pk}
    )


def topic_data(subject, **extra):
    return {
        "subject": subject,
        "content": "客厅天花板渗水，已经两周",
        "attachment-TOTAL_FORMS": 0,
        "attachment-INITIAL_FORMS": 0,
        **extra,
    }


def test_an_owner_files_a_complaint_about_one_of_their_verified_units(
    client, boards, owner_a, project_b, django_capture_on_commit_callbacks
):
    forum = boards[Board.Kind.COMPLAINTS].forum
    unit = owner_a.unit_ownerships.get()
    category = Category.objects.filter(is_active=True).first()
    assert client.login(username=owner_a.username, password=TEST_PASSWORD)

    form = client.get(create_url(forum)).content.decode()
    assert 'data-testid="case-intake"' in form and str(unit) in form
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            create_url(forum),
            topic_data(
                "天花板渗水",
                case_unit=str(unit.pk),
                case_category=str(category.pk),
                case_contact_way="phone",
                case_visit_time="周六上午",
            ),
        )

    case = Case.objects.get(topic__subject="天花板渗水")
    assert case.project == unit.project
    assert case.unit == f"{unit.building}-{unit.unit}"
    assert (case.contact_way, case.visit_time) == ("phone", "周六上午")
    assert case.routed_at is not None


def test_a_unit_that_is_not_the_members_is_a_form_error(client, boards, owner_a, owner_b):
    forum = boards[Board.Kind.COMPLAINTS].forum
    assert client.login(username=owner_a.username, password=TEST_PASSWORD)

    response = client.post(
        create_url(forum),
        topic_data("别人的房子", case_unit=str(owner_b.unit_ownerships.get().pk)),
    )

    assert response.status_code == 200
    assert not Case.objects.filter(topic__subject="别人的房子").exists()


def test_a_member_who_owns_nothing_names_a_project_and_other_boards_ask_nothing(
    client, boards, member, project_b
):
    assert client.login(username=member.username, password=TEST_PASSWORD)
    suggestions = boards[Board.Kind.SUGGESTIONS].forum

    form = client.get(create_url(suggestions)).content.decode()
    assert "case_project" in form and "case_unit" not in form
    client.post(create_url(suggestions), topic_data("建议增加充电桩", case_project=project_b.pk))

    assert Case.objects.get(topic__subject="建议增加充电桩").project == project_b
    mutual = client.get(create_url(boards[Board.Kind.MUTUAL_HELP].forum)).content.decode()
    assert 'data-testid="case-intake"' not in mutual
