import pytest
from django.contrib.auth.models import Group

from forum.boards.models import Board
from forum.boards.services import moderators_group_ensure
from forum.cases.models import Department, RoutingModel
from forum.cases.routing import train
from tests.conftest import make_topic
from tests.factories import UserFactory

_TRAINED: dict = {}


@pytest.fixture
def departments(db):
    return {d.code: d for d in Department.objects.all()}


def make_staff(*, username: str, department: Department):
    user = UserFactory(username=username)
    user.groups.add(department.staff_group)
    return user


@pytest.fixture
def engineering_staff(departments):
    return make_staff(username="engineering", department=departments["engineering"])


@pytest.fixture
def design_staff(departments):
    return make_staff(username="design", department=departments["design"])


@pytest.fixture
def moderator(boards):
    user = UserFactory(username="moderator")
    user.groups.add(moderators_group_ensure())
    return user


@pytest.fixture
def routing_model(db):
    """The model trained on the shipped seed examples (trained once, stored per test)."""
    if "blob" not in _TRAINED:
        model = train()
        _TRAINED.update(blob=bytes(model.blob), examples=model.examples)
        return model
    return RoutingModel.objects.create(
        version=1, blob=_TRAINED["blob"], examples=_TRAINED["examples"]
    )


@pytest.fixture
def complaint_forum(boards):
    return boards[Board.Kind.COMPLAINTS].forum


def file_complaint(*, forum, poster, subject, content, capture):
    """A topic in a triage board, with the after-commit hook run as in production."""
    with capture(execute=True):
        topic = make_topic(forum=forum, poster=poster, subject=subject, content=content)
    topic.refresh_from_db()
    return topic


__all__ = ["Group", "file_complaint", "make_staff"]
