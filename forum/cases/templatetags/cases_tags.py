from django import template

from forum.cases import forms, services
from forum.cases.models import Case, OfficialReply

register = template.Library()


@register.inclusion_tag("cases/case_panel.html", takes_context=True)
def case_panel(context, topic):
    """Status, department and due time of the topic's case; the rating form for its member."""
    request = context.get("request")
    user = getattr(request, "user", None)
    case = (
        Case.objects.filter(topic=topic).select_related("department", "category", "topic").first()
    )
    return {
        "case": case,
        "topic": topic,
        "can_open": bool(case is None and user is not None and services.can_triage(user)),
        "case_types": Case.Type.choices,
        "request": request,
        "can_rate": bool(case and user and services.can_rate(user, case)),
        "can_work": bool(
            case and user and user.is_authenticated and services.can_work_on(user, case)
        ),
        "rate_form": forms.RateForm(),
        "official_post_ids": set(
            OfficialReply.objects.filter(case=case).values_list("post_id", flat=True)
        )
        if case
        else set(),
    }


@register.simple_tag
def official_post_ids(topic) -> set[int]:
    """The posts of a topic that are official replies (for a 官方回复 mark in the topic page)."""
    return set(OfficialReply.objects.filter(post__topic=topic).values_list("post_id", flat=True))


@register.inclusion_tag("cases/member_cases.html", takes_context=True)
def member_cases(context, member):
    """The member's cases with status, department and due time (for the personal center)."""
    from forum.cases.selectors import case_list_for_member

    return {
        "cases": list(case_list_for_member(member=member)[:20]),
        "request": context.get("request"),
    }
