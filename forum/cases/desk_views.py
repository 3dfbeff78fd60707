"""The service desk's pages: member lookup (masked, logged) and a case for the member."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from forum.cases import desk, forms, services
from portal.members.privacy import (
    PII_PERMISSION,
    mask_email,
    mask_mobile,
    mask_name,
    pii_access_log,
)


def _desk_user(request):
    if not services.can_use_service_desk(request.user):
        raise PermissionDenied


def _masked(member, *, show_pii: bool) -> dict:
    profile = getattr(member, "member_profile", None)
    mobile = profile.mobile if profile else ""
    real_name = profile.real_name if profile else ""
    return {
        "member": member,
        "member_number": profile.member_number if profile else "",
        "level": profile.level if profile else None,
        "mobile": mobile if show_pii else mask_mobile(mobile),
        "email": member.email if show_pii else mask_email(member.email),
        "real_name": real_name if show_pii else mask_name(real_name),
    }


@login_required
def desk_lookup(request):
    """Find the member on the phone: by mobile number, member number or name.

    Posted, not a query string: a phone number stays out of URLs, access logs and history."""
    _desk_user(request)
    form = forms.MemberLookupForm(request.POST if request.method == "POST" else None)
    found = []
    show_pii = request.user.has_perm(PII_PERMISSION)
    if form.is_valid():
        members = list(desk.member_search(query=form.cleaned_data["q"]))
        pii_access_log(
            staff=request.user,
            members=members,
            what="service desk lookup" + (": full" if show_pii else ": masked"),
        )
        found = [_masked(m, show_pii=show_pii) for m in members]
    return render(
        request,
        "cases/desk_lookup.html",
        {"form": form, "found": found, "searched": form.is_bound},
    )


@login_required
def desk_member(request, user_id: int):
    """One page on the member, and the form to record their call as a case."""
    _desk_user(request)
    member = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
    show_pii = request.user.has_perm(PII_PERMISSION)
    overview = desk.member_overview(member=member, viewer=request.user)
    units = list(overview["units"])
    form = forms.DeskCaseForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ownership = data["unit"]
        try:
            case = desk.case_open_for_member(
                by=request.user,
                member=member,
                channel=data["channel"],
                type=data["type"],
                subject=data["subject"],
                content=data["content"],
                project=ownership.project if ownership else None,
                unit=f"{ownership.building}-{ownership.unit}" if ownership else "",
                contact_way=data["contact_way"],
                visit_time=data["visit_time"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Case #%(n)d recorded; it is routed like any other.") % {"n": case.pk},
            )
            return redirect("cases:desk_member", user_id=member.pk)
    pii_access_log(
        staff=request.user,
        members=[member],
        what="service desk member page" + (": full" if show_pii else ": masked"),
    )
    return render(
        request,
        "cases/desk_member.html",
        {
            **overview,
            "person": _masked(member, show_pii=show_pii),
            "form": form,
        },
        status=400 if form.is_bound and form.errors else 200,
    )
