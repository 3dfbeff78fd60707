import pytest
from machina.apps.forum.models import Forum
from machina.apps.forum_conversation.models import Post

from forum.boards.models import Board
from forum.boards.services import owners_board_ensure
from forum.cases.models import Case, Department
from tests.conftest import make_topic, staff_of
from tests.factories import UserFactory


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
def engineering_head(departments):
    head = UserFactory(username="eng_head")
    departments["engineering"].heads.add(head)
    return head


def post(*, forum, subject, content="", poster=None, case_department=None, project=None):
    """A topic with its first post; a case on it when a department is given."""
    poster = poster or UserFactory()
    topic = make_topic(forum=forum, poster=poster, subject=subject, content=content or subject)
    if case_department is not None:
        # In a transactional test the board's hook has opened the case already.
        Case.objects.update_or_create(
            topic=topic, defaults={"department": case_department, "project": project}
        )
    return topic


@pytest.fixture
def feedback(boards, project_a, project_b, departments):
    """Garage-roof leaks in 翠湖天地 (four complaints, two owners' board posts), lift faults in its
    owners' board, the same leak in 滨江壹号, and noise."""
    complaints = boards[Board.Kind.COMPLAINTS].forum
    owners_a = owners_board_ensure(project=project_a).forum
    owners_b = owners_board_ensure(project=project_b).forum
    community = boards[Board.Kind.COMMUNITY].forum
    engineering = departments["engineering"]
    made = {"garage": [], "lift": [], "garage_b": []}
    for text in (
        "地下车库顶板漏水，车上全是泥水",
        "地库顶板又在渗水，停在下面的车被弄脏了",
        "B2地下车库顶板漏水好几天了，没人来修",
        "下雨后地下车库顶板漏水更厉害，地面积水",
    ):
        made["garage"].append(
            post(forum=complaints, subject=text, case_department=engineering, project=project_a)
        )
    for text in ("车库顶板漏水滴到车上，请尽快维修", "地下车库顶板漏水，墙面都发霉了"):
        made["garage"].append(post(forum=owners_a, subject=text))
    for text in (
        "3栋电梯又坏了，困人半小时",
        "电梯经常故障停运，老人上下楼很不方便",
        "5栋电梯故障，每周都要停运一两次",
        "电梯故障频繁，希望彻底检修",
    ):
        made["lift"].append(post(forum=owners_a, subject=text))
    for text in (
        "地下车库顶板漏水，车被泡了",
        "地库顶板渗水，请工程部来看看",
        "地下车库顶板漏水一直没修好",
    ):
        made["garage_b"].append(post(forum=owners_b, subject=text))
    for text in ("周末的亲子活动很有意思", "小区绿化很好"):
        post(forum=community, subject=text)
    return made


@pytest.fixture
def staff_forum(boards):
    """A forum that is not a club board (no Board row): staff talk, never mined."""
    return Forum.objects.create(name="员工内部讨论", type=Forum.FORUM_POST)


def post_ids(topics) -> set[int]:
    return set(Post.objects.filter(topic__in=topics).values_list("pk", flat=True))
