"""Issue 13, finding 9: an official reply has the forum's length limit, with a clear message."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from machina.apps.forum_conversation.models import Post

from forum.boards.posting import POST_MAX_LENGTH
from forum.cases.models import OfficialReply
from forum.cases.services import case_confirm, case_open, case_reply_official
from tests.conftest import make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def routed_case(complaint_forum, member, departments, moderator):
    topic = make_topic(forum=complaint_forum, poster=member, subject="卫生间漏水")
    case = case_open(topic=topic)
    case.suggested_department = departments["engineering"]
    case.save()
    return case_confirm(case=case, by=moderator, version=case.version)


def test_overlong_official_reply_is_refused_with_the_limit(client, routed_case, engineering_staff):
    client.force_login(engineering_staff)

    response = client.post(
        reverse("cases:case_action", args=[routed_case.pk, "reply"]),
        {"version": routed_case.version, "content": "修" * 200_000},
    )

    assert response.status_code == 400
    assert str(POST_MAX_LENGTH) in response.content.decode()
    assert not OfficialReply.objects.exists()
    assert (
        not Post.objects.filter(topic=routed_case.topic)
        .exclude(pk=routed_case.topic.first_post_id)
        .exists()
    )


def test_the_service_refuses_an_overlong_reply_too(routed_case, engineering_staff):
    with pytest.raises(ValidationError):
        case_reply_official(
            case=routed_case,
            by=engineering_staff,
            version=routed_case.version,
            content="修" * (POST_MAX_LENGTH + 1),
        )


def test_a_reply_at_the_limit_is_saved(routed_case, engineering_staff):
    case_reply_official(
        case=routed_case,
        by=engineering_staff,
        version=routed_case.version,
        content="修" * POST_MAX_LENGTH,
    )

    assert OfficialReply.objects.count() == 1
