import pytest
from django.contrib.auth.models import Group

from forum.boards.models import Board
from forum.cases.models import Department, RoutingModel
from forum.cases.routing import train
from tests.conftest import make_topic, staff_of

_TRAINED: dict = {}


@pytest.fixture
def departments(db):
    return {d.code: d for d in Department.objects.all()}


@pytest.fixture
def engineering_staff(departments):
    return staff_of("engineering", "engineering")


@pytest.fixture
def design_staff(departments):
    return staff_of("design", "design")


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


__all__ = ["Group", "file_complaint"]
