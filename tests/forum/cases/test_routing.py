import pytest

from forum.cases.models import Case, CaseEvent, RoutingRule
from forum.cases.routing import current_model, route, train
from forum.cases.services import case_override
from tests.forum.cases.conftest import file_complaint

pytestmark = pytest.mark.django_db


def test_a_leaking_bathroom_is_routed_to_engineering_by_the_classifier(
    routing_model, complaint_forum, member, django_capture_on_commit_callbacks
):
    topic = file_complaint(
        forum=complaint_forum,
        poster=member,
        subject="卫生间漏水",
        content="主卫地面一直漏水，楼下邻居的天花板都湿了，请尽快派人检修防水。",
        capture=django_capture_on_commit_callbacks,
    )

    case = Case.objects.get(topic=topic)
    assert case.department.code == "engineering"
    assert case.status == Case.Status.ASSIGNED
    assert case.routing_model_version == routing_model.version
    assert case.suggestion_confidence >= 0.6
    assert any("engineering" in reason for reason in case.suggestion_reasons)
    assert case.type == Case.Type.COMPLAINT


def test_a_rule_routes_before_the_classifier(
    routing_model, complaint_forum, member, departments, django_capture_on_commit_callbacks
):
    RoutingRule.objects.create(
        name="Lifts are property's",
        keywords="电梯",
        department=departments["property"],
        priority=2,
    )
    topic = file_complaint(
        forum=complaint_forum,
        poster=member,
        subject="电梯墙面开裂",
        content="电梯厅的墙面开裂空鼓。",
        capture=django_capture_on_commit_callbacks,
    )

    case = Case.objects.get(topic=topic)
    assert case.department.code == "property"
    assert case.priority == 2
    assert case.suggestion_confidence == 1.0
    assert case.suggestion_reasons == ["rule: Lifts are property's (电梯)"]


def test_a_rule_scoped_to_another_board_does_not_match(boards, departments):
    from forum.boards.models import Board

    RoutingRule.objects.create(
        name="Suggestions about lifts",
        keywords="电梯",
        board=boards[Board.Kind.SUGGESTIONS],
        department=departments["design"],
    )

    assert route(text="电梯坏了", board=boards[Board.Kind.COMPLAINTS]).rule is None
    assert route(text="电梯坏了", board=boards[Board.Kind.SUGGESTIONS]).department.code == "design"


def test_below_the_threshold_the_case_waits_in_triage(
    routing_model, complaint_forum, member, settings, django_capture_on_commit_callbacks
):
    settings.CASE_ROUTING_CONFIDENCE_THRESHOLD = 0.999
    topic = file_complaint(
        forum=complaint_forum,
        poster=member,
        subject="卫生间漏水",
        content="楼下天花板湿了。",
        capture=django_capture_on_commit_callbacks,
    )

    case = Case.objects.get(topic=topic)
    assert case.status == Case.Status.NEW
    assert case.department is None
    assert case.suggested_department.code == "engineering"
    assert case.events.filter(kind=CaseEvent.Kind.SUGGESTED).exists()


def test_without_any_model_or_rule_the_case_still_opens_unrouted(
    complaint_forum, member, django_capture_on_commit_callbacks
):
    topic = file_complaint(
        forum=complaint_forum,
        poster=member,
        subject="问题",
        content="内容",
        capture=django_capture_on_commit_callbacks,
    )

    case = Case.objects.get(topic=topic)
    assert case.status == Case.Status.NEW
    assert case.suggested_department is None


def test_a_routing_failure_leaves_the_case_unrouted_in_the_queue(
    boards, complaint_forum, member, departments, django_capture_on_commit_callbacks
):
    # A rule with a pattern that only fails at match time (catastrophic input is not needed:
    # an invalid pattern saved around validation raises re.error when routing).
    RoutingRule.objects.create(name="broken", pattern="(unclosed", department=departments["design"])
    topic = file_complaint(
        forum=complaint_forum,
        poster=member,
        subject="任何内容",
        content="内容",
        capture=django_capture_on_commit_callbacks,
    )

    case = Case.objects.get(topic=topic)
    assert case.status == Case.Status.NEW
    assert case.events.filter(kind=CaseEvent.Kind.ROUTING_FAILED).exists()
    assert topic.posts.count() == 1


def test_a_moderators_override_becomes_a_training_label(
    routing_model, complaint_forum, member, moderator, departments,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    topic = file_complaint(
        forum=complaint_forum,
        poster=member,
        subject="会所泳池水温太低",
        content="冬天会所泳池的水温太低了，孩子游不了。",
        capture=django_capture_on_commit_callbacks,
    )
    case = Case.objects.get(topic=topic)

    case_override(case=case, by=moderator, version=case.version, department=departments["design"])
    retrained = train()

    case.refresh_from_db()
    assert case.labelled_department.code == "design"
    assert retrained.labelled_cases == 1
    assert retrained.examples == routing_model.examples + 1
    assert retrained.version == routing_model.version + 1
    assert current_model()[0] == retrained.version


def test_routing_the_same_post_again_gives_the_same_answer(routing_model):
    # Its time is measured by bench/routing_bench.py, not asserted here (docs/benchmarks.md).
    first = route(text="小区垃圾两天没人清理，保安也不管")
    again = route(text="小区垃圾两天没人清理，保安也不管")

    assert first.department.code == again.department.code == "property"
