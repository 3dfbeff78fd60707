from django import template

from forum.cases import forms, presenters, services
from forum.cases.models import Case
from portal.page_holes import page_involves

register = template.Library()


@register.inclusion_tag("cases/case_panel.html", takes_context=True)
def case_panel(context, topic):
    """Status, department and due time of the topic's case; the rating form for its member."""
    request = context.get("request")
    user = getattr(request, "user", None)
    case = (
        Case.objects.filter(topic=topic).select_related("department", "category", "topic").first()
    )
    if case is not None and request is not None:
        # The case's member gets their own actions, which also follow the clock (reopening is
        # open for CASE_REOPEN_DAYS): their page is never kept (portal.pagecache.members).
        member_id = case.member_id_for_case
        reader_pk = getattr(user, "pk", None)
        page_involves(
            request, user_ids=[member_id], keep=reader_pk is None or reader_pk != member_id
        )
    return {
        "case": case,
        "topic": topic,
        "can_open": bool(case is None and user is not None and services.can_triage(user)),
        "case_types": Case.Type.choices,
        "request": request,
        "can_rate": bool(case and user and services.can_rate(user, case)),
        "can_confirm": bool(case and user and services.can_confirm(user, case)),
        "can_reopen": bool(case and user and services.can_reopen(user, case)),
        "can_see_rating": bool(case and user and services.can_see_rating(user, case)),
        "is_member": bool(case and user and services.is_case_member(user, case)),
        "can_work": bool(
            case and user and user.is_authenticated and services.can_work_on(user, case)
        ),
        "rate_form": forms.RateForm(),
    }


@register.inclusion_tag("cases/member_cases.html", takes_context=True)
def member_cases(context, member):
    """The member's cases with status, department and due time (for the personal center)."""
    from forum.cases.selectors import case_list_for_member

    return {
        "cases": list(case_list_for_member(member=member)[:20]),
        "request": context.get("request"),
    }


@register.filter
def routing_reasons(case: Case) -> list[str]:
    """The router's reasons for its suggestion, in the reader's words."""
    return presenters.case_reasons(case)


@register.filter
def history_lines(events, case: Case) -> list[tuple]:
    """Each event of a case with its line in the reader's words: (event, text)."""
    namer = presenters.department_namer([case.department, case.suggested_department])
    return [(event, presenters.event_text(event, department_name=namer)) for event in events]


@register.filter
def official_department(official_ids: dict, post_id: int) -> str:
    """The department that signs an official reply (from the topic page's ``official_ids``)."""
    return official_ids.get(post_id, "")
