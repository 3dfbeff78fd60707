"""The one-click rating link in the resolution mail: signed, no login, once, expiring."""

import os
import re
import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone

from forum.cases.models import Case, CaseEvent
from forum.cases.rating_links import rating_token_make
from forum.cases.services import case_confirm, case_open, case_status_change
from tests.conftest import make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved(
    complaint_forum, member, departments, moderator, engineering_staff,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    topic = make_topic(forum=complaint_forum, poster=member, subject="电梯异响", content="异响")
    case = case_open(topic=topic)
    case.suggested_department = departments["engineering"]
    case.save()
    case_confirm(case=case, by=moderator, version=case.version)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_status_change(
            case=case, by=engineering_staff, version=case.version, status=Case.Status.RESOLVED
        )
    case.refresh_from_db()
    return case


def mailed_link(member) -> str:
    bodies = [m.body for m in mail.outbox if m.to == [member.email]]
    assert bodies, "the member got no mail"
    match = re.search(r"http://[^\s]+/me/cases/rate/[^\s]+/", bodies[-1])
    assert match, bodies[-1]
    return match.group(0).split("127.0.0.1:8000", 1)[-1]


def test_the_resolution_mail_says_what_next_and_carries_a_link_that_rates_once_without_login(
    client, resolved, member
):
    path = mailed_link(member)
    body = [m.body for m in mail.outbox if m.to == [member.email]][-1]
    assert "已解决" in body and "14 天内" in body

    form = client.get(path + "?s=4")
    assert form.status_code == 200
    assert re.search(r'value="4"[^>]*checked', form.content.decode())
    done = client.post(path, {"satisfaction": 4, "comment": "维修师傅很专业"})

    assert 'data-testid="rate-link-done"' in done.content.decode()
    resolved.refresh_from_db()
    assert (resolved.satisfaction, resolved.satisfaction_comment) == (4, "维修师傅很专业")
    event = resolved.events.get(kind=CaseEvent.Kind.RATED)
    assert event.actor == member and event.data["via"] == "mail"

    again = client.post(path, {"satisfaction": 1})
    assert again.status_code == 400
    assert "此评价链接已使用过。" in again.content.decode()
    resolved.refresh_from_db()
    assert resolved.satisfaction == 4


def test_a_tampered_link_is_refused(client, resolved, member):
    path = mailed_link(member)
    token = path.rstrip("/").rsplit("/", 1)[-1]
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")

    for bad in (forged, "abc", rating_token_make(case=resolved).replace(":", ".", 1)):
        response = client.post(f"/me/cases/rate/{bad}/", {"satisfaction": 1})
        assert response.status_code == 400
        assert "此评价链接无效。" in response.content.decode()
    resolved.refresh_from_db()
    assert resolved.satisfaction is None


def test_an_expired_link_is_refused(client, resolved, member, settings):
    path = mailed_link(member)
    later = timezone.now() + timedelta(days=settings.CASE_RATING_LINK_DAYS, minutes=1)

    with mock.patch("time.time", return_value=later.timestamp()):
        response = client.post(path, {"satisfaction": 5})

    assert response.status_code == 400
    assert "此评价链接已过期。" in response.content.decode()
    resolved.refresh_from_db()
    assert resolved.satisfaction is None


def test_a_link_from_before_a_reopen_is_refused(client, resolved, member, engineering_staff):
    path = mailed_link(member)
    case_status_change(
        case=resolved, by=engineering_staff, version=resolved.version, status="in_progress"
    )

    response = client.get(path)

    assert response.status_code == 400
    assert "发送此链接后工单已被重新打开。" in response.content.decode()


def test_bad_input_on_the_link_is_a_form_error(client, resolved, member):
    path = mailed_link(member)

    response = client.post(path, {"satisfaction": "9", "comment": "x" * 501})

    assert response.status_code == 400
    assert "请选择 1 到 5 分" in response.content.decode()
    resolved.refresh_from_db()
    assert resolved.satisfaction is None and resolved.rating_link_used_at is None


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="threads need a server database",
)
# serialized_rollback: the flush after a transactional test would drop the migrations' data.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clicks_on_the_link_at_once_rate_once():
    from forum.boards.services import board_skeleton_ensure
    from forum.cases.models import Department
    from forum.cases.rating_links import RatingLinkInvalid
    from forum.cases.services import case_rate_by_token
    from tests.factories import UserFactory

    boards = board_skeleton_ensure()
    from forum.boards.models import Board

    poster = UserFactory(username="racer")
    case = case_open(
        topic=make_topic(forum=boards[Board.Kind.COMPLAINTS].forum, poster=poster, subject="门锁坏")
    )
    Case.objects.filter(pk=case.pk).update(
        department=Department.objects.get(code="property"),
        status=Case.Status.RESOLVED,
        resolved_at=timezone.now(),
    )
    case.refresh_from_db()
    token = rating_token_make(case=case)
    barrier = threading.Barrier(2)
    outcomes = []

    def click(stars):
        try:
            barrier.wait()
            case_rate_by_token(token=token, satisfaction=stars)
            outcomes.append("rated")
        except RatingLinkInvalid:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click, args=(stars,)) for stars in (2, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["rated", "refused"]
    assert case.events.filter(kind=CaseEvent.Kind.RATED).count() == 1
