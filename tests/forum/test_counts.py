"""Board counts promise only what the reader may find: staff-only complaints are counted for
their author, moderators and the department's staff, and for no one else (issue #14)."""

import re

import pytest

from forum.boards.models import Board
from tests.conftest import make_topic, staff_of
from tests.forum.conftest import private_complaint_make


def complaint_counts(client, boards) -> tuple[int, int]:
    """(topics, posts) shown on the forum index for the complaints board."""
    name = boards[Board.Kind.COMPLAINTS].forum.name
    page = client.get("/forum/").content.decode()
    row = page[page.index(f">{name}</a>") :]
    topics, posts = re.findall(r'forum-count">\s*(\d+)\s*</div>', row)[:2]
    return int(topics), int(posts)


@pytest.fixture
def complaints(boards, complainant, member):
    make_topic(forum=boards[Board.Kind.COMPLAINTS].forum, poster=member, subject="路灯不亮")
    private_complaint_make(boards=boards, poster=complainant, department="property")


def test_visitors_and_other_members_count_only_public_complaints(client, boards, complaints):
    assert complaint_counts(client, boards) == (1, 1)
    client.force_login(staff_of("engineering"))
    assert complaint_counts(client, boards) == (1, 1)


def test_the_author_the_department_and_moderators_count_the_private_one(
    client, boards, complaints, complainant, moderator
):
    for reader in (complainant, staff_of("property"), moderator):
        client.force_login(reader)
        assert complaint_counts(client, boards) == (2, 2), reader.username
