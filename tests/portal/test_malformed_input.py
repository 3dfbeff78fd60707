"""Issue 13, finding 8: malformed input answers 400/404 or a form error, never 500."""

import pytest
from django.urls import reverse

from forum.boards.models import Board
from tests.conftest import make_topic
from tests.forum.conftest import topic_url


@pytest.mark.parametrize(
    "query", ["q=x&page=²", "q=x&board=²", "q=x&project=³", "q=x&page=-3", "q=x&page=1" + "0" * 30]
)
def test_search_ignores_malformed_numbers(client, boards, query):
    response = client.get(f"/search/?{query}")

    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()


@pytest.mark.parametrize("pk", ["abc", "²", "9" * 30])
def test_member_profile_with_a_malformed_id_is_404(client, boards, member, pk):
    assert client.get(f"/forum/member/profile/{pk}/").status_code == 404
    assert client.get(f"/forum/member/profile/{pk}/posts/").status_code == 404


def test_member_profile_with_a_real_id_still_shows(client, boards, member):
    assert client.get(f"/forum/member/profile/{member.pk}/").status_code == 200


@pytest.mark.parametrize("item", ["abc", "²", "", "1" * 30])
def test_reward_request_with_a_malformed_item_is_404(client, member, item):
    client.force_login(member)

    assert client.post("/me/rewards/", {"item": item}).status_code == 404


@pytest.mark.parametrize("month", ["0000-01", "0001-01", "9999-12", "２０２６-01", "2026-13"])
def test_report_with_an_impossible_month_is_a_form_error(client, moderator, month):
    client.force_login(moderator)

    response = client.get(f"/triage/reports/?month={month}")

    assert response.status_code == 200
    assert 'data-testid="report-form-errors"' in response.content.decode()


def test_topic_with_a_malformed_post_anchor_still_shows(client, boards, member):
    topic = make_topic(forum=boards[Board.Kind.MUTUAL_HELP].forum, poster=member, subject="楼")

    response = client.get(topic_url(topic) + "?post=²")

    assert response.status_code == 200
    assert "楼" in response.content.decode()


def test_triage_case_is_404_for_a_member_existing_or_not(client, boards, member):
    from forum.cases.models import Case

    topic = make_topic(forum=boards[Board.Kind.COMPLAINTS].forum, poster=member, subject="漏水")
    case = Case.objects.create(topic=topic)
    client.force_login(member)

    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("cases:case_detail", args=[case.pk + 99])).status_code == 404
