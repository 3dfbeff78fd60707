"""Members' actions on an activity, their list, and the staff pages (sign-up list, check-in,
summary, case library, annual plan). Views call services and selectors only."""

import csv
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.activities.exports import plan_xlsx, spreadsheet_safe
from portal.activities.forms import (
    CheckInForm,
    RatingForm,
    SignupForm,
    StaffSignupForm,
    SummaryForm,
)
from portal.activities.models import ActivityPage, Signup
from portal.activities.selectors import (
    activity_stats,
    annual_plan,
    case_library,
    member_find,
    signup_active,
    signups_for_activity,
    signups_for_member,
)
from portal.activities.services import (
    CHECK_IN_PERMISSION,
    EXPORT_PERMISSION,
    LIBRARY_PERMISSION,
    PLAN_PERMISSION,
    SIGNUP_ADD_PERMISSION,
    SIGNUP_LIST_PERMISSION,
    SUMMARY_PERMISSION,
    ActivityError,
    activity_cancel,
    activity_check_in,
    activity_rate,
    activity_sign_up,
    experience_summary_save,
)
from portal.members.privacy import PII_PERMISSION, mask_mobile, mask_name, pii_access_log
from portal.members.ratelimit import rate_limit_exceeded

CHECK_INS_PER_MINUTE = 60


def staff_permission(perm):
    def decorator(view):
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorator


def _activity(pk: int, request=None) -> ActivityPage:
    """A live activity the reader may see (Wagtail's view restrictions apply to actions too)."""
    activity = get_object_or_404(ActivityPage.objects.live(), pk=pk)
    if request is not None and any(
        not restriction.accept_request(request) for restriction in activity.get_view_restrictions()
    ):
        raise PermissionDenied
    return activity


def _back(activity: ActivityPage):
    return redirect(activity.url or "/activities/")


# --- members ---------------------------------------------------------------------------------


@require_POST
def signup(request, pk):
    activity = _activity(pk, request)
    if not request.user.is_authenticated:
        return redirect_to_login(activity.url or "/activities/")
    form = SignupForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how many companions you bring."))
        return _back(activity)
    try:
        result = activity_sign_up(
            activity=activity, member=request.user, companions=form.cleaned_data["companions"]
        )
    except ActivityError as error:
        messages.error(request, str(error))
        return _back(activity)
    if result.status == Signup.Status.CONFIRMED:
        messages.success(request, _("You are signed up. A confirmation is on its way."))
    else:
        messages.info(request, _("The activity is full: you are on the waiting list."))
    return _back(activity)


@require_POST
@login_required
def cancel(request, pk):
    activity = _activity(pk)
    mine = signup_active(activity=activity, member=request.user)
    if mine is None:
        messages.error(request, _("You have not signed up for this activity."))
        return _back(activity)
    try:
        activity_cancel(signup=mine, by=request.user)
    except ActivityError as error:
        messages.error(request, str(error))
        return _back(activity)
    messages.success(request, _("Your sign-up is cancelled."))
    return _back(activity)


@require_POST
@login_required
def rate(request, pk):
    attended = get_object_or_404(
        Signup, activity_id=pk, member=request.user, checked_in_at__isnull=False
    )
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a rating from 1 to 5."))
        return redirect("me_activities")
    try:
        activity_rate(
            signup=attended,
            by=request.user,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
    except ActivityError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you for your feedback."))
    return redirect("me_activities")


@login_required
def my_activities(request):
    return render(
        request,
        "activities/me_activities.html",
        {
            "section": "activities",
            "signups": signups_for_member(member=request.user),
            "rating_form": RatingForm(),
            "now": timezone.now(),
        },
    )


# --- staff: sign-up list, call-center sign-up, check-in --------------------------------------


@staff_permission(SIGNUP_LIST_PERMISSION)
def signup_list(request, pk):
    activity = get_object_or_404(ActivityPage, pk=pk)
    signups = signups_for_activity(activity=activity)
    show_pii = request.user.has_perm(PII_PERMISSION)
    if request.GET.get("export") == "csv":
        if not request.user.has_perm(EXPORT_PERMISSION):
            raise PermissionDenied
        return _signups_csv(request, activity, signups, show_pii=show_pii)
    rows = [_row(s, show_pii=show_pii) for s in signups]
    if show_pii:
        pii_access_log(
            staff=request.user,
            members=[s.member for s in signups],
            what=f"activity {activity.pk} sign-ups: name, mobile",
        )
    return render(
        request,
        "activities/staff_signups.html",
        {
            "activity": activity,
            "rows": rows,
            "stats": activity_stats(activity=activity),
            "form": StaffSignupForm(),
            "can_add": request.user.has_perm(SIGNUP_ADD_PERMISSION),
            "can_export": request.user.has_perm(EXPORT_PERMISSION),
            "can_check_in": request.user.has_perm(CHECK_IN_PERMISSION),
        },
    )


def _row(signup: Signup, *, show_pii: bool) -> dict:
    profile = getattr(signup.member, "member_profile", None)
    real_name = profile.real_name if profile else ""
    mobile = profile.mobile if profile else ""
    return {
        "signup": signup,
        "number": profile.member_number if profile else "",
        "level": profile.level.name if profile and profile.level else "",
        "name": real_name if show_pii else mask_name(real_name),
        "display_name": signup.member.public_name,
        "mobile": mobile if show_pii else mask_mobile(mobile),
    }


def _signups_csv(request, activity, signups, *, show_pii):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="activity-{activity.pk}-signups.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        ["member_number", "display_name", "real_name", "mobile", "level", "companions", "status",
         "signed_up_at", "checked_in_at", "no_show", "rating", "comment"]
    )  # fmt: skip
    exported = []
    for signup in signups:
        row = _row(signup, show_pii=show_pii)
        exported.append(signup.member)
        writer.writerow(
            spreadsheet_safe(value)
            for value in (
                row["number"],
                row["display_name"],
                row["name"],
                row["mobile"],
                row["level"],
                signup.companions,
                signup.get_status_display(),
                timezone.localtime(signup.created_at).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(signup.checked_in_at).strftime("%Y-%m-%d %H:%M")
                if signup.checked_in_at
                else "",
                "1" if signup.no_show else "",
                signup.rating or "",
                signup.comment,
            )
        )
    pii_access_log(
        staff=request.user,
        members=exported,
        what=f"activity {activity.pk} sign-up export"
        + (": name, mobile" if show_pii else " (masked)"),
    )
    return response


@require_POST
@staff_permission(SIGNUP_ADD_PERMISSION)
def signup_add(request, pk):
    activity = _activity(pk)
    form = StaffSignupForm(request.POST)
    back = redirect("activities_staff_signups", pk=activity.pk)
    if not form.is_valid():
        messages.error(request, _("Enter a member number or a mobile number."))
        return back
    member = member_find(text=form.cleaned_data["member"])
    if member is None:
        messages.error(request, _("No member has this number."))
        return back
    try:
        result = activity_sign_up(
            activity=activity,
            member=member,
            companions=form.cleaned_data["companions"],
            by=request.user,
        )
    except ActivityError as error:
        messages.error(request, str(error))
        return back
    messages.success(
        request,
        _("%(member)s: %(status)s.")
        % {"member": member.public_name, "status": result.get_status_display()},
    )
    return back


@require_POST
@staff_permission(SIGNUP_ADD_PERMISSION)
def signup_cancel_for_member(request, pk, signup_id):
    """Cancel a member's sign-up on their behalf (they called in), even after the deadline."""
    signup = get_object_or_404(Signup, pk=signup_id, activity_id=pk)
    try:
        promoted = activity_cancel(signup=signup, by=request.user)
    except ActivityError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Cancelled for %(member)s; %(n)s promoted from the waiting list.")
            % {"member": signup.member.public_name, "n": len(promoted)},
        )
    return redirect("activities_staff_signups", pk=pk)


@staff_permission(CHECK_IN_PERMISSION)
def check_in(request, pk):
    """The door page, made for a phone: scan the card's QR code or type the member number."""
    activity = get_object_or_404(ActivityPage, pk=pk)
    result = error = None
    form = CheckInForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if rate_limit_exceeded(
            key=f"check-in:{request.user.pk}", limit=CHECK_INS_PER_MINUTE, window=60
        ):
            error, status = _("Too many check-ins in a minute. Wait a moment."), 429
        elif form.is_valid():
            try:
                result = activity_check_in(
                    activity=activity, code=form.cleaned_data["code"], by=request.user
                )
            except ActivityError as refusal:
                error, status = str(refusal), 409
            else:
                form = CheckInForm()
        else:
            error, status = _("Scan a member card or type a member number."), 400
    return render(
        request,
        "activities/check_in.html",
        {
            "activity": activity,
            "form": form,
            "result": result,
            "error": error,
            "stats": activity_stats(activity=activity),
        },
        status=status,
    )


# --- staff: after the activity ---------------------------------------------------------------


@staff_permission(SUMMARY_PERMISSION)
def summary_edit(request, pk):
    activity = get_object_or_404(ActivityPage, pk=pk)
    existing = getattr(activity, "experience_summary", None) if _has_summary(activity) else None
    initial = (
        {"went_well": existing.went_well, "to_improve": existing.to_improve, "cost": existing.cost}
        if existing
        else {}
    )
    form = SummaryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        experience_summary_save(activity=activity, by=request.user, **form.cleaned_data)
        messages.success(request, _("The experience summary is saved in the case library."))
        return redirect("activities_staff_summary", pk=activity.pk)
    return render(
        request,
        "activities/staff_summary.html",
        {"activity": activity, "form": form, "stats": activity_stats(activity=activity),
         "summary": existing},
    )  # fmt: skip


def _has_summary(activity) -> bool:
    try:
        activity.experience_summary  # noqa: B018
    except ActivityPage.experience_summary.RelatedObjectDoesNotExist:
        return False
    return True


@staff_permission(SUMMARY_PERMISSION)
@require_POST
def recap_draft(request, pk):
    """One click: a draft 活动回顾 news article from the summary, opened in the editor."""
    from portal.activities.recap import recap_news_draft

    activity = get_object_or_404(ActivityPage, pk=pk)
    try:
        article = recap_news_draft(activity=activity, by=request.user)
    except ActivityError as error:
        messages.error(request, str(error))
        return redirect("activities_staff_summary", pk=activity.pk)
    return redirect("wagtailadmin_pages:edit", article.pk)


@staff_permission(LIBRARY_PERMISSION)
def cases(request):
    query = request.GET.get("q", "")[:100]
    summaries = list(case_library(query=query)[:200])
    return render(
        request,
        "activities/staff_cases.html",
        {
            "query": query,
            "items": [(s, activity_stats(activity=s.activity)) for s in summaries],
        },
    )


@staff_permission(PLAN_PERMISSION)
def plan(request):
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise Http404
    months = annual_plan(year=year)
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(
            plan_xlsx(year=year, months=months),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="activity-plan-{year}.xlsx"'
        return response
    return render(
        request,
        "activities/staff_plan.html",
        {
            "year": year,
            "months": [{**m, "label": datetime.date(year, m["month"], 1)} for m in months],
            "previous": year - 1,
            "next": year + 1,
        },
    )
