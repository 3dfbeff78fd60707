"""Demo data for cases: routing rules, a trained router, and cases for the demo complaints."""

from django.db import transaction
from machina.apps.forum_conversation.models import Topic

from forum.boards.models import Board
from forum.cases.models import (
    Case,
    Category,
    Department,
    ReplyTemplate,
    RoutingModel,
    RoutingRule,
    SLAPolicy,
)
from forum.cases.routing import train
from forum.cases.services import case_open_and_route, case_route_auto

RULES = (
    # name, keywords, department, category, priority, order
    ("燃气、漏电等安全隐患", "燃气\n煤气\n漏电\n触电\n起火", "property", "property_service", 1, 10),
    ("业主信息泄露", "泄露\n隐私\n个人信息", "property", "privacy", 2, 20),
    ("渗漏水", "漏水\n渗水\n漏雨", "engineering", "quality", 2, 30),
)  # fmt: skip


@transaction.atomic
def _rules_and_policies() -> None:
    for priority, (first, resolution) in SLAPolicy.DEFAULTS.items():
        SLAPolicy.objects.get_or_create(
            priority=priority,
            defaults={"first_response_hours": first, "resolution_hours": resolution},
        )
    departments = {d.code: d for d in Department.objects.all()}
    categories = {c.code: c for c in Category.objects.all()}
    for name, keywords, department, category, priority, order in RULES:
        RoutingRule.objects.get_or_create(
            name=name,
            defaults={
                "keywords": keywords,
                "department": departments[department],
                "category": categories.get(category),
                "priority": priority,
                "order": order,
            },
        )


TEMPLATES = (
    # department (None: all), name, text
    (None, "已收到", "{member}您好，您的工单{case}已由{department}受理，我们会在{due}前答复。"),
    (
        "engineering",
        "安排上门检修",
        "{member}您好，工单{case}已安排工程部师傅上门检修，请留意电话预约；{due}前处理完毕。",
    ),
    (
        "property",
        "物业已处理",
        "{member}您好，工单{case}反映的问题物业服务中心已处理，请确认是否解决。",
    ),
)


@transaction.atomic
def _reply_templates() -> None:
    departments = {d.code: d for d in Department.objects.all()}
    for code, name, body in TEMPLATES:
        ReplyTemplate.objects.get_or_create(
            name=name, defaults={"department": departments.get(code), "body": body}
        )


def seed(stdout) -> None:
    _rules_and_policies()
    _reply_templates()
    if not RoutingModel.objects.exists():
        model = train()
        stdout.write(
            f"routing model v{model.version}: held-out accuracy {model.held_out_accuracy:.2f}\n"
        )
    topics = Topic.objects.filter(forum__board__kind__in=Board.TRIAGE_KINDS).values_list(
        "pk", flat=True
    )
    for topic_id in topics:
        case = case_open_and_route(topic_id=topic_id)
        # Cases opened before the model existed (the board seed runs first) get routed now.
        if (
            case is not None
            and case.status == Case.Status.NEW
            and case.routed_at
            and (case.suggested_department_id is None)
        ):
            case_route_auto(case=case)
    stdout.write(f"cases: {Case.objects.count()}\n")
