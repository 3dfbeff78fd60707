"""Departments hear of their new cases on the site, and speak in the topic as the department
(issue #14)."""

import pytest
from django.urls import reverse

from forum.cases.models import DepartmentAlertPreference
from forum.cases.services import case_confirm, case_open, case_reply_official
from portal.members.models import Notice
from tests.conftest import make_topic, staff_of
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(complaint_forum, member, departments):
    topic = make_topic(forum=complaint_forum, poster=member, subject="外墙渗水", content="漏水")
    case = case_open(topic=topic)
    case.suggested_department = departments["engineering"]
    case.save()
    return case


def test_routing_a_case_tells_the_departments_staff_on_the_site_and_by_mail(
    case, moderator, engineering_staff, design_staff, mailoutbox, django_capture_on_commit_callbacks
):
    quiet = staff_of("engineering", "engineering_quiet")
    DepartmentAlertPreference.objects.create(user=quiet, on_site=False, by_email=False)
    mail_only = staff_of("engineering", "engineering_mail")
    DepartmentAlertPreference.objects.create(user=mail_only, on_site=False, by_email=True)

    with django_capture_on_commit_callbacks(execute=True):
        case_confirm(case=case, by=moderator, version=case.version)

    notices = Notice.objects.filter(kind="case_new")
    assert [n.recipient for n in notices] == [engineering_staff]
    notice = notices.get()
    assert "外墙渗水" in notice.title and "工程部" in notice.title
    assert notice.url == reverse("cases:case_detail", args=[case.pk])
    recipients = {address for message in mailoutbox for address in message.to}
    assert engineering_staff.email in recipients
    assert mail_only.email in recipients
    assert quiet.email not in recipients
    assert design_staff.email not in recipients
    assert not Notice.objects.filter(recipient=design_staff).exists()


def test_staff_set_their_new_case_alerts_on_my_cases(client, engineering_staff):
    assert client.login(username=engineering_staff.username, password=TEST_PASSWORD)
    page = client.get(reverse("cases:my_work")).content.decode()
    assert 'data-testid="alert-preference"' in page

    response = client.post(reverse("cases:alert_preference"), {"by_email": "on"})

    assert response.status_code == 302
    preference = DepartmentAlertPreference.objects.get(user=engineering_staff)
    assert (preference.on_site, preference.by_email) == (False, True)


def test_only_department_staff_set_new_case_alerts(client, member, moderator, departments):
    url = reverse("cases:alert_preference")
    assert client.post(url, {"on_site": "on"}).status_code == 302  # to the login page
    for user in (member, moderator, UserFactory(username="someone_else")):
        client.force_login(user)
        assert client.post(url, {"on_site": "on"}).status_code == 403
        assert client.get(url).status_code == 405
    assert not DepartmentAlertPreference.objects.exists()
    client.force_login(moderator)
    assert (
        'data-testid="alert-preference"'
        not in client.get(reverse("cases:my_work")).content.decode()
    )


def test_an_official_reply_is_signed_by_the_department(client, case, moderator, engineering_staff):
    case_confirm(case=case, by=moderator, version=case.version)
    case.refresh_from_db()
    reply = case_reply_official(
        case=case, by=engineering_staff, version=case.version, content="明天上午师傅上门检修。"
    )
    topic = case.topic
    client.force_login(case.topic.poster)

    page = client.get(
        reverse(
            "forum_conversation:topic",
            args=[topic.forum.slug, topic.forum_id, topic.slug, topic.pk],
        )
    ).content.decode()

    post = page[page.index(f'id="{reply.post_id}"') :]
    assert 'data-testid="official-reply"' in post
    assert "— 工程部" in post[: post.index("post-content") + 2000]
    assert 'data-testid="official-reply-department">工程部<' in post
    byline = post[: post.index('class="post-content"')]
    assert engineering_staff.username not in byline
    assert "<style>" not in page
