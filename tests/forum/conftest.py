import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from forum.boards.models import Board, TopicVisibility
from forum.boards.services import TRUSTED_MEMBERS_GROUP
from forum.cases.models import Case, Department
from tests.conftest import make_owner, make_topic, staff_of
from tests.factories import UserFactory


def topic_url(topic):
    return reverse(
        "forum_conversation:topic",
        kwargs={
            "forum_slug": topic.forum.slug,
            "forum_pk": topic.forum.pk,
            "slug": topic.slug,
            "pk": topic.pk,
        },
    )


def forum_url(forum):
    return reverse("forum:forum", kwargs={"slug": forum.slug, "pk": forum.pk})


def trust(user):
    user.groups.add(Group.objects.get_or_create(name=TRUSTED_MEMBERS_GROUP)[0])
    return user


@pytest.fixture
def property_staff(boards):
    return staff_of("property", "property")


@pytest.fixture
def engineering_staff(boards):
    return staff_of("engineering", "engineering")


@pytest.fixture
def complainant(boards):
    return UserFactory(username="complainant", display_name="投诉人")


def private_complaint_make(*, boards, poster, subject="我家门牌号被泄露", department="property"):
    topic = make_topic(forum=boards[Board.Kind.COMPLAINTS].forum, poster=poster, subject=subject)
    TopicVisibility.objects.create(topic=topic, staff_only=True)
    Case.objects.create(topic=topic, department=Department.objects.get(code=department))
    return topic


@pytest.fixture
def private_complaint(boards, complainant):
    return private_complaint_make(boards=boards, poster=complainant)


@pytest.fixture
def neighbor_a(project_a, staff_admin):
    return make_owner(project=project_a, username="neighbor_a", by=staff_admin)
