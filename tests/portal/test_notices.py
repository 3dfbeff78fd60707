import pytest

from portal.members.events import POINTS_EVENTS, points_event_register
from portal.members.models import Notice
from portal.members.notices import notice_send, notices_unread_count
from tests.factories import UserFactory


def test_member_reads_their_notices_and_they_become_read(client, member):
    notice_send(recipient=member, kind="activity", title="报名成功：亲子烘焙", url="/activities/")
    other = UserFactory(username="other")
    notice_send(recipient=other, kind="activity", title="别人的消息")
    client.force_login(member)

    page = client.get("/me/notices/").text

    assert "报名成功：亲子烘焙" in page and 'href="/activities/"' in page
    assert "别人的消息" not in page
    assert notices_unread_count(member=member) == 0
    assert notices_unread_count(member=other) == 1


def test_notices_page_needs_login(client):
    response = client.get("/me/notices/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "//evil.example/", "data:text/html,x"])
def test_notice_links_are_limited_to_safe_addresses(member, url):
    notice = notice_send(recipient=member, kind="x", title="t", url=url)

    assert notice.url == ""


def test_long_titles_and_bodies_are_cut_to_their_limits(member):
    notice = notice_send(recipient=member, kind="x", title="标" * 500, body="文" * 5000)

    notice.refresh_from_db()
    assert len(notice.title) == Notice._meta.get_field("title").max_length
    assert len(notice.body) == Notice._meta.get_field("body").max_length


def test_apps_declare_their_points_events():
    assert {"first_post", "accepted_answer", "case_rated", "profile_completed"} <= set(
        POINTS_EVENTS
    )
    with pytest.raises(ValueError):
        points_event_register(code="first_post", label="x", app="another_app")
