"""The work queues (/triage/), a case's page, the member's rating and the monthly report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forum.cases import counts, forms, navigation, queue_rows, reports, selectors, services
from forum.cases.models import Case, Department, DepartmentAlertPreference
from forum.visibility import is_moderator, staff_department_ids
from portal.members.member_views import page_of, personal_center_render

PAGE_SIZE = 50


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _rows(cases, *, user):
    """Queue rows with what the template needs; personal data masked without the permission."""
    show_pii = selectors.can_view_member_pii(user)
    now = timezone.now()
    rows = []
    for case in cases:
        poster = case.topic.poster
        first_post = case.topic.first_post
        excerpt = (first_post.content.raw if first_post else "")[:140]
        email = poster.email if poster else ""
        rows.append(
            {
                "case": case,
                "due_state": selectors.due_state(case, now),
                "poster_name": poster.public_name if poster else "",
                "poster_email": email if show_pii else selectors.mask_email(email),
                "excerpt": excerpt if show_pii else selectors.mask_personal_data(excerpt),
            }
        )
    return rows


def _queue_rows(
    request, page, *, template_name, departments, projects, page_context=None, department_name=None
):
    """The page's rows, each with its case's id and its HTML (kept: forum/cases/queue_rows.py),
    from the plain values ``_queue_page`` read."""
    show_pii = selectors.can_view_member_pii(request.user)
    now = timezone.now()
    labels = queue_rows.choice_labels()
    names = queue_rows.lookup_names(departments=departments, projects=projects)
    values = [
        queue_rows.row_values(
            row,
            show_pii=show_pii,
            now=now,
            labels=labels,
            names=names,
            department_name=department_name,
        )
        for row in page.object_list
    ]
    html = queue_rows.rendered_rows(
        values, template_name=template_name, request=request, page_context=page_context
    )
    return [{"pk": row["pk"], "html": row_html} for row, row_html in zip(values, html, strict=True)]


def _queue_page(request, cases, *, filters: dict, count_name: str):
    """The page of a queue asked for, paged over the sorted case ids alone, then that page's
    cases read as the plain values their rows show (``selectors.case_queue_rows``). With the
    joins in the paged query PostgreSQL hashed every topic before the sort (the sort keys are
    the case's own columns), which grew with the forum; now the sort reads cases only and the
    joins touch one page of rows. No model instances: building them (cases, topics, authors,
    first posts with their rendered text) was most of the queues' time."""
    paginator = Paginator(cases.values_list("pk", flat=True), PAGE_SIZE)
    # The total kept while no case changes (forum/cases/counts.py); not with the clock's
    # filters. Read with the header's count of waiting cases, which the page shows too.
    user = request.user
    header = navigation.waiting_count(user)[0] if navigation.staff_link_visible(user) else None
    counts.case_counts_prefetch(user, [name for name in (count_name, header) if name])
    paginator.count = counts.case_count(
        user=user,
        name=count_name,
        compute=cases.count,
        depends_on_clock=bool(filters.get("due")),
    )
    page = paginator.get_page(request.GET.get("page"))
    ids = list(page.object_list)
    found = selectors.case_queue_rows(cases, ids=ids)
    # A case deleted between the two reads is left out, as it would be a moment later.
    page.object_list = [found[pk] for pk in ids if pk in found]
    return page


def _count_name(queue, filters: dict, user) -> str:
    """The kept total's name for a queue: the queue, every filter's value, and the reader only
    where the filter is theirs ("mine")."""
    chosen = sorted((name, str(value)) for name, value in filters.items() if name != "user")
    return counts.count_name(queue, chosen, user.pk if filters.get("owner") == "me" else None)


def _housing_projects() -> list[tuple[int, str]]:
    from portal.members.models import HousingProject

    return list(HousingProject.objects.values_list("pk", "name"))


@login_required
def queue(request):
    """Moderators: every open case. Department staff are sent to their department's queue."""
    user = request.user
    if not services.can_triage(user):
        departments = staff_department_ids(user)
        if not departments:
            raise PermissionDenied
        department = Department.objects.filter(pk__in=departments).order_by("code").first()
        return redirect("cases:department_queue", code=department.code)
    # Every department once: the active ones are offered for routing and filtering, all of
    # them name the rows' departments and the routing reasons' departments.
    every_department = list(Department.objects.all())
    departments = [d for d in every_department if d.is_active]
    projects = _housing_projects()
    filter_form = forms.QueueFilterForm(
        request.GET or None, departments=departments, projects=projects
    )
    filters = {**filter_form.filters(), "user": user}
    cases = selectors.case_list_for_triage(filters=filters)
    page = _queue_page(
        request, cases, filters=filters, count_name=_count_name("triage", filters, user)
    )
    names = {d.code: d.name for d in every_department}
    rows = _queue_rows(
        request,
        page,
        template_name="cases/_triage_row.html",
        departments=every_department,
        projects=projects,
        page_context={"department_options": tuple((d.pk, d.name) for d in departments)},
        department_name=lambda code: names.get(code, code),
    )
    return render(
        request,
        "cases/queue.html",
        {
            "filter_form": filter_form,
            "filters_html": queue_rows.filters_rendered(filter_form),
            "page": page,
            "rows": rows,
            "departments": departments,
            "override_form": forms.OverrideForm(),
            "bulk_form": forms.BulkAssignForm(),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def department_queue(request, code: str):
    # Every department once: this one, the active ones offered by the filter, the names of the
    # rows' suggested departments.
    every_department = list(Department.objects.all())
    department = next((d for d in every_department if d.code == code), None)
    if department is None:
        raise Http404
    if not (
        is_moderator(request.user)
        or department.pk in staff_department_ids(request.user)
        or department.pk in services.headed_department_ids(request.user)
    ):
        raise PermissionDenied
    projects = _housing_projects()
    filter_form = forms.QueueFilterForm(
        request.GET or None,
        owners=services.department_members(department),
        departments=[d for d in every_department if d.is_active],
        projects=projects,
    )
    filters = {**filter_form.filters(), "user": request.user}
    cases = selectors.case_list_for_department(department=department, filters=filters)
    page = _queue_page(
        request,
        cases,
        filters=filters,
        count_name=_count_name(("department", department.pk), filters, request.user),
    )
    return render(
        request,
        "cases/department_queue.html",
        {
            "department": department,
            "filter_form": filter_form,
            "filters_html": queue_rows.filters_rendered(filter_form),
            "page": page,
            "rows": _queue_rows(
                request,
                page,
                template_name="cases/_department_row.html",
                departments=every_department,
                projects=projects,
            ),
        },
    )


def _case_for_worker(request, pk: int) -> Case:
    """The case, or 404 for whoever may not work on it: a 403 for existing ids only would tell
    anyone which case numbers exist (issue 13, finding 10)."""
    case = get_object_or_404(Case.objects.select_related("department"), pk=pk)
    if not services.can_work_on(request.user, case):
        raise Http404
    return case


def _detail_context(request, case: Case, **forms_) -> dict:
    case = selectors.case_get(pk=case.pk)
    version = {"version": case.version}
    templates = list(selectors.reply_templates_for(case=case))
    if "reply_form" not in forms_:
        # ?template=<id> puts the template, filled in for this case, into the reply to edit.
        chosen = next((t for t in templates if str(t.pk) == request.GET.get("template")), None)
        if chosen is not None:
            forms_["reply_form"] = forms.ReplyForm(
                initial={
                    **version,
                    "content": selectors.reply_template_render(template=chosen, case=case),
                }
            )
    return {
        "case": case,
        "row": _rows([case], user=request.user)[0],
        "events": selectors.case_events(case=case),
        "can_triage": services.can_triage(request.user),
        "version_form": forms.VersionForm(initial=version),
        "override_form": forms_.get("override_form")
        or forms.OverrideForm(
            initial={**version, "department": case.department_id, "priority": case.priority}
        ),
        "reply_form": forms_.get("reply_form") or forms.ReplyForm(initial=version),
        "status_form": forms_.get("status_form") or forms.StatusForm(initial=version),
        "hand_back_form": forms_.get("hand_back_form") or forms.HandBackForm(initial=version),
        "owner_form": forms_.get("owner_form")
        or forms.OwnerForm(
            initial={**version, "owner": case.assignee_id},
            members=services.department_members(case.department) if case.department else None,
        ),
        "can_assign_owner": services.can_assign_owner(request.user, case)
        or case.assignee_id == request.user.pk,
        "note_form": forms_.get("note_form") or forms.NoteForm(),
        "notes": selectors.case_notes(case=case),
        "outcome_form": forms_.get("outcome_form")
        or forms.OutcomeForm(
            initial={**version, "outcome": case.outcome, "reason": case.outcome_reason}
        ),
        "reply_templates": templates,
        "follow_ups": case.follow_ups.select_related("done_by"),
        "allowed_statuses": [
            (value, label) for value, label in Case.Status.choices if case.can_move_to(value)
        ],
    }


@login_required
def my_work(request):
    """我的工单: the open cases I own."""
    if not (
        services.can_triage(request.user)
        or staff_department_ids(request.user)
        or services.headed_department_ids(request.user)
    ):
        raise PermissionDenied
    cases = selectors.case_list_for_owner(owner=request.user)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    alert_form = None
    if staff_department_ids(request.user) or services.headed_department_ids(request.user):
        preference = DepartmentAlertPreference.objects.filter(user=request.user).first()
        preference = preference or DepartmentAlertPreference()
        alert_form = forms.DepartmentAlertPreferenceForm(
            initial={"on_site": preference.on_site, "by_email": preference.by_email}
        )
    return render(
        request,
        "cases/my_work.html",
        {
            "page": page,
            "rows": _rows(page.object_list, user=request.user),
            "alert_form": alert_form,
        },
    )


@login_required
@require_POST
def alert_preference(request):
    """How department staff hear of new cases routed to their department (set on 我的工单)."""
    if not (staff_department_ids(request.user) or services.headed_department_ids(request.user)):
        raise PermissionDenied
    form = forms.DepartmentAlertPreferenceForm(request.POST)
    if form.is_valid():
        services.department_alert_preference_set(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your new-case alerts are saved."))
    return redirect("cases:my_work")


@login_required
def follow_ups(request):
    """The 回访 list: resolved cases to call back, low ratings to follow up."""
    if not services.can_use_service_desk(request.user):
        raise PermissionDenied
    page = Paginator(selectors.follow_ups_open(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/follow_ups.html",
        {"page": page, "form": forms.FollowUpForm()},
    )


@login_required
@require_POST
def follow_up_done(request, pk: int):
    from forum.cases.models import CaseFollowUp

    if not services.can_use_service_desk(request.user):
        raise PermissionDenied
    follow_up = get_object_or_404(CaseFollowUp, pk=pk)
    form = forms.FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Choose how the follow-up went (a note of up to 500 characters).")
        )
        return redirect("cases:follow_ups")
    try:
        services.case_follow_up_done(
            follow_up=follow_up,
            by=request.user,
            result=form.cleaned_data["result"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Follow-up recorded."))
    return redirect("cases:follow_ups")


@login_required
def case_detail(request, pk: int):
    case = _case_for_worker(request, pk)
    return render(request, "cases/case_detail.html", _detail_context(request, case))


ACTIONS = {
    # action: (form class, service call)
    "confirm": (
        forms.VersionForm,
        lambda case, by, data: services.case_confirm(case=case, by=by, version=data["version"]),
    ),
    "override": (
        forms.OverrideForm,
        lambda case, by, data: services.case_override(
            case=case,
            by=by,
            version=data["version"],
            department=data["department"],
            category=data["category"],
            priority=data["priority"],
            reason=data["reason"],
        ),
    ),
    "take": (
        forms.VersionForm,
        lambda case, by, data: services.case_take(case=case, by=by, version=data["version"]),
    ),
    "reply": (
        forms.ReplyForm,
        lambda case, by, data: services.case_reply_official(
            case=case, by=by, version=data["version"], content=data["content"]
        ),
    ),
    "status": (
        forms.StatusForm,
        lambda case, by, data: services.case_status_change(
            case=case, by=by, version=data["version"], status=data["status"], note=data["note"]
        ),
    ),
    "hand_back": (
        forms.HandBackForm,
        lambda case, by, data: services.case_hand_back(
            case=case, by=by, version=data["version"], reason=data["reason"]
        ),
    ),
    "owner": (
        forms.OwnerForm,
        lambda case, by, data: services.case_owner_set(
            case=case, by=by, version=data["version"], owner=data["owner"]
        ),
    ),
    "note": (
        forms.NoteForm,
        lambda case, by, data: services.case_note_add(case=case, by=by, body=data["body"]),
    ),
    "outcome": (
        forms.OutcomeForm,
        lambda case, by, data: services.case_outcome_set(
            case=case,
            by=by,
            version=data["version"],
            outcome=data["outcome"],
            reason=data["reason"],
        ),
    ),
}
FORM_NAMES = {
    "override": "override_form",
    "reply": "reply_form",
    "status": "status_form",
    "hand_back": "hand_back_form",
    "owner": "owner_form",
    "note": "note_form",
    "outcome": "outcome_form",
}


@login_required
@require_POST
def case_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404
    case = _case_for_worker(request, pk)
    if action in ("confirm", "override") and not services.can_triage(request.user):
        raise PermissionDenied
    form_class, call = ACTIONS[action]
    if action == "owner":
        form = form_class(
            request.POST,
            members=services.department_members(case.department) if case.department else None,
        )
    else:
        form = form_class(request.POST)
    if not form.is_valid():
        context = _detail_context(request, case, **{FORM_NAMES.get(action, "_"): form})
        return render(request, "cases/case_detail.html", context, status=400)
    try:
        call(case, request.user, form.cleaned_data)
    except services.CaseConflict as conflict:
        context = _detail_context(request, case)
        context["conflict"] = str(conflict)
        return render(request, "cases/case_detail.html", context, status=409)
    except (services.InvalidStatusChange, ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect(_next_url(request, reverse("cases:case_detail", args=[pk])))
    messages.success(request, forms_done_message(action))
    if action == "hand_back":
        return redirect("cases:queue")
    return redirect(_next_url(request, reverse("cases:case_detail", args=[pk])))


def forms_done_message(action: str) -> str:
    return {
        "confirm": _("Suggestion confirmed; the department is notified."),
        "override": _("Case routed; the department is notified."),
        "take": _("You took the case."),
        "reply": _("Official reply posted."),
        "status": _("Status changed; the member is notified."),
        "hand_back": _("Case handed back to triage."),
        "owner": _("Owner changed; they are notified."),
        "note": _("Internal note added."),
        "outcome": _("Outcome saved; the member is notified."),
    }[action]


@login_required
@require_POST
def bulk_assign(request):
    if not services.can_triage(request.user):
        raise PermissionDenied
    form = forms.BulkAssignForm(request.POST)
    if form.is_valid():
        done = services.case_bulk_assign(
            case_ids=[c.pk for c in form.cleaned_data["cases"]],
            by=request.user,
            department=form.cleaned_data["department"],
        )
        messages.success(request, _("%(n)d case(s) assigned.") % {"n": done})
    else:
        messages.error(request, _("Choose cases and a department."))
    return redirect(_next_url(request, reverse("cases:queue")))


@login_required
@require_POST
def case_open(request, topic_id: int):
    """A moderator opens a case on any topic (e.g. a complaint posted in the wrong board)."""
    from machina.apps.forum_conversation.models import Topic

    if not services.can_triage(request.user):
        raise PermissionDenied
    topic = get_object_or_404(Topic, pk=topic_id)
    case_type = request.POST.get("type")
    case = services.case_open(
        topic=topic,
        by=request.user,
        type=case_type if case_type in Case.Type.values else Case.Type.INQUIRY,
    )
    services.case_open_and_route(topic_id=topic.pk)
    return redirect("cases:case_detail", pk=case.pk)


def _member_case(request, pk: int) -> Case:
    """The case of a member's own topic; 404 for anyone else (its existence is not theirs)."""
    case = get_object_or_404(Case.objects.select_related("topic", "topic__forum"), pk=pk)
    if not services.is_case_member(request.user, case):
        raise Http404
    return case


def _member_next(request, case: Case) -> str:
    return _next_url(request, reverse("me_cases"))


def _member_error(request, error) -> None:
    messages.error(request, " ".join(getattr(error, "messages", [str(error)])))


@login_required
@require_POST
def case_rate(request, pk: int):
    case = _member_case(request, pk)
    if not services.can_rate(request.user, case):
        messages.error(request, _("You can rate a case once it is resolved."))
        return redirect(_member_next(request, case))
    form = forms.RateForm(request.POST)
    if form.is_valid():
        services.case_rate(
            case=case,
            by=request.user,
            satisfaction=form.cleaned_data["satisfaction"],
            comment=form.cleaned_data["comment"],
        )
        messages.success(request, _("Thank you for your rating."))
    else:
        messages.error(
            request, _("Choose a rating from 1 to 5 (a comment of up to 500 characters).")
        )
    return redirect(_member_next(request, case))


@login_required
@require_POST
def case_member_confirm(request, pk: int):
    """确认已解决."""
    case = _member_case(request, pk)
    try:
        services.case_member_confirm(case=case, by=request.user)
    except (services.InvalidStatusChange, services.CaseConflict, PermissionDenied) as error:
        _member_error(request, error)
    else:
        messages.success(request, _("Thank you: the case is resolved. How satisfied are you?"))
    return redirect(_member_next(request, case))


@login_required
@require_POST
def case_member_reopen(request, pk: int):
    """仍未解决 at 待会员确认, or reopening a resolved case within the window."""
    case = _member_case(request, pk)
    form = forms.MemberReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(_member_next(request, case))
    reason = form.cleaned_data["reason"]
    try:
        if case.status == Case.Status.AWAITING_MEMBER:
            services.case_member_reject(case=case, by=request.user, reason=reason)
        else:
            services.case_member_reopen(case=case, by=request.user, reason=reason)
    except (
        services.InvalidStatusChange,
        services.CaseConflict,
        ValidationError,
        PermissionDenied,
    ) as error:
        _member_error(request, error)
    else:
        messages.success(
            request,
            _("The case is back with %(department)s; they are notified.")
            % {"department": case.department or _("customer relations")},
        )
    return redirect(_member_next(request, case))


def case_rate_link(request, token: str):
    """The one-click rating link from the resolution mail: no login, works once."""
    try:
        case = services.rating_token_case(token=token)
    except services.RatingLinkInvalid as error:
        return render(request, "cases/rate_link.html", {"error": str(error)}, status=400)
    initial = {}
    if request.GET.get("s") in {"1", "2", "3", "4", "5"}:
        initial["satisfaction"] = int(request.GET["s"])
    form = forms.RateForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.case_rate_by_token(
                    token=token,
                    satisfaction=form.cleaned_data["satisfaction"],
                    comment=form.cleaned_data["comment"],
                )
            except services.RatingLinkInvalid as error:
                return render(request, "cases/rate_link.html", {"error": str(error)}, status=400)
            return render(request, "cases/rate_link.html", {"done": True, "case": case})
        return render(request, "cases/rate_link.html", {"form": form, "case": case}, status=400)
    return render(request, "cases/rate_link.html", {"form": form, "case": case})


@login_required
def report(request):
    """Moderators: every department. A department head: their department's cases only."""
    department = None
    if not is_moderator(request.user):
        headed = services.headed_department_ids(request.user)
        if not headed:
            raise PermissionDenied
        department = Department.objects.filter(pk__in=headed).order_by("code")
        department = department.filter(code=request.GET.get("department")).first() or (
            department.first()
        )
    form = forms.ReportForm(request.GET or None)
    today = timezone.localdate()
    year, month, project = today.year, today.month, None
    if form.is_valid():
        if form.cleaned_data["month"]:
            year, month = (int(part) for part in form.cleaned_data["month"].split("-"))
        if form.cleaned_data["project"]:
            from portal.members.models import HousingProject

            project = HousingProject.objects.filter(pk=form.cleaned_data["project"]).first()
    result = reports.report_build(year=year, month=month, project=project, department=department)
    export = request.GET.get("export")
    filename = f"cases-{year}-{month:02d}" + (f"-{department.code}" if department else "")
    if export == "csv":
        response = HttpResponse(
            "\ufeff" + reports.report_csv(result), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    if export == "xlsx":
        response = HttpResponse(
            reports.report_xlsx(result),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    charts = [
        reports.svg_bar_chart(result.by_department, title=_("By department")),
        reports.svg_bar_chart(result.by_category, title=_("By category")),
        reports.svg_bar_chart(result.by_project, title=_("By housing project")),
        reports.svg_bar_chart(result.by_status, title=_("By status")),
    ]
    return render(
        request,
        "cases/report.html",
        {
            "form": form,
            "report": result,
            "charts": charts,
            "panels": reports.report_panels_render(
                request=request, department=department, project=project
            ),
            "month_value": f"{year}-{month:02d}",
            "query": request.GET.urlencode(),
        },
    )


@login_required
def my_cases(request):
    """/me/cases/: the member's complaints and suggestions, with what they can do on each."""
    page = page_of(request, selectors.case_list_for_member(member=request.user))
    now = timezone.now()
    rows = [
        {
            "case": case,
            "can_confirm": services.can_confirm(request.user, case),
            "can_reopen": services.can_reopen(request.user, case, now=now),
            "can_rate": services.can_rate(request.user, case),
        }
        for case in page.object_list
    ]
    return personal_center_render(
        request,
        "cases.html",
        "cases",
        page=page,
        rows=rows,
        reason_form=forms.MemberReasonForm(),
        rate_form=forms.RateForm(),
    )
