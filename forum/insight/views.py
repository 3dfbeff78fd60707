"""The improvement list (/triage/improvements/), the report subscription and /me/improvements/."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forum.cases.models import Case, Department
from forum.insight import forms, selectors, services
from forum.insight.errors import InvalidImprovementMove
from forum.insight.models import ImprovementItem, RecurringIssue
from forum.insight.monthly import subscription_set
from forum.insight.permissions import (
    can_change_improvement,
    can_create_improvement,
    can_see_improvement,
    can_see_improvements,
    can_see_recurring_issues,
)
from portal.members.member_views import page_of, personal_center_render


def _handler(request):
    return request.forum_permission_handler


@login_required
def improvement_list(request):
    if not can_see_improvements(request.user):
        raise PermissionDenied
    form = forms.ImprovementFilterForm(request.GET or None)
    status, department = "", None
    if form.is_valid():
        status = form.cleaned_data["status"]
        if form.cleaned_data["department"]:
            department = Department.objects.filter(code=form.cleaned_data["department"]).first()
    items = selectors.improvements_for(user=request.user, status=status, department=department)
    return render(
        request,
        "insight/improvement_list.html",
        {
            "page": page_of(request, items.order_by("-updated_at", "-pk")),
            "form": form,
            "department": department,
            "progress": selectors.improvement_progress(user=request.user, department=department),
            "can_create": can_create_improvement(request.user),
        },
    )


@login_required
def improvement_new(request):
    """A moderator promotes a recurring issue (``?issue=``) or cases (``?cases=1,2``)."""
    if not can_create_improvement(request.user):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    issue_id = (data or request.GET).get("issue")
    issue = None
    if issue_id:
        try:
            issue = RecurringIssue.objects.select_related("project", "department").get(
                pk=int(issue_id)
            )
        except (ValueError, RecurringIssue.DoesNotExist):
            issue = None
    initial = {"cases": request.GET.get("cases", "")}
    if issue is not None:
        initial.update(
            title=issue.name,
            department=issue.department,
            project=issue.project,
            issue=issue.pk,
            reason=_("%(n)d posts in %(topics)d topics in the last %(days)d days")
            % {
                "n": issue.post_count,
                "topics": issue.topic_count,
                "days": (issue.run.window_end - issue.run.window_start).days,
            },
        )
    form = forms.ImprovementCreateForm(data, initial=initial)
    case_ids = []
    if form.is_valid():
        case_ids = form.cleaned_data["cases"]
        try:
            item = services.improvement_create(
                by=request.user,
                title=form.cleaned_data["title"],
                department=form.cleaned_data["department"],
                project=form.cleaned_data["project"],
                due_date=form.cleaned_data["due_date"],
                description=form.cleaned_data["description"],
                reason=form.cleaned_data["reason"],
                case_ids=case_ids,
                issue=issue,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The item is on the improvement list."))
            return redirect("insight:improvement_detail", pk=item.pk)
    else:
        case_ids = forms.id_list((data or {}).get("cases") or initial["cases"])
    cases = Case.objects.filter(pk__in=case_ids).select_related("topic")
    examples = (
        selectors.visible_posts(
            user=request.user,
            post_ids=issue.example_post_ids,
            permission_handler=_handler(request),
            limit=5,
        )
        if issue
        else []
    )
    return render(
        request,
        "insight/improvement_new.html",
        {"form": form, "issue": issue, "cases": cases, "examples": examples},
    )


def _item_for(request, pk: int) -> ImprovementItem:
    item = get_object_or_404(ImprovementItem.objects.select_related("department", "project"), pk=pk)
    if not can_see_improvement(request.user, item):
        raise PermissionDenied
    return item


@login_required
def improvement_detail(request, pk: int):
    item = _item_for(request, pk)
    topics = selectors.visible_topics(
        user=request.user,
        topic_ids=item.topics.values_list("pk", flat=True),
        permission_handler=_handler(request),
    ).order_by("-pk")[:50]
    return render(
        request,
        "insight/improvement_detail.html",
        {
            "item": item,
            "events": item.events.select_related("actor"),
            "topics": topics,
            "topic_total": item.topics.count(),
            "cases": item.cases.select_related("topic", "department")[:50],
            "can_change": can_change_improvement(request.user, item),
            "move_form": forms.ImprovementMoveForm(item=item),
            "edit_form": forms.ImprovementEditForm(
                initial={
                    "title": item.title,
                    "due_date": item.due_date,
                    "description": item.description,
                }
            ),
            "members_linked": len(selectors.linked_members(item=item)),
        },
    )


@login_required
@require_POST
def improvement_move(request, pk: int):
    item = _item_for(request, pk)
    if not can_change_improvement(request.user, item):
        raise PermissionDenied
    form = forms.ImprovementMoveForm(request.POST, item=item)
    if form.is_valid():
        try:
            services.improvement_move(
                item=item,
                by=request.user,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except (InvalidImprovementMove, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Status changed."))
    else:
        messages.error(request, _("Choose a status and give a reason."))
    return redirect("insight:improvement_detail", pk=item.pk)


@login_required
@require_POST
def improvement_edit(request, pk: int):
    item = _item_for(request, pk)
    if not can_change_improvement(request.user, item):
        raise PermissionDenied
    form = forms.ImprovementEditForm(request.POST)
    if form.is_valid():
        services.improvement_update(item=item, by=request.user, **form.cleaned_data)
        messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Check the title and the date."))
    return redirect("insight:improvement_detail", pk=item.pk)


@login_required
@require_POST
def report_subscription(request):
    """Subscribe to (or leave) the monthly report mail."""
    if not can_see_recurring_issues(request.user):
        raise PermissionDenied
    wanted = request.POST.get("monthly_mail") == "1"
    subscription_set(user=request.user, monthly_mail=wanted)
    messages.success(
        request,
        _("You will get the monthly report by mail.")
        if wanted
        else _("You will no longer get the monthly report by mail."),
    )
    return redirect("cases:report")


@login_required
def my_improvements(request):
    """/me/improvements/: what became of the member's feedback."""
    items = selectors.improvements_for_member(member=request.user).order_by("-updated_at", "-pk")
    return personal_center_render(
        request, "improvements.html", "improvements", page=page_of(request, items)
    )
