"""Staff pages for members: lists and exports (with PII logging), ownership claims, redemptions,
points grants and referrals, card reissue and account deletion."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.members.cards import card_profile_from_token
from portal.members.exports import csv_writer
from portal.members.forms import MemberFilterForm, PointsGrantForm, ReferralForm, RejectForm
from portal.members.models import UnitOwnership, User
from portal.members.points import (
    PointsError,
    points_balances,
    points_event_pay,
    points_grant,
)
from portal.members.privacy import (
    EXPORT_PERMISSION,
    PII_PERMISSION,
    mask_email,
    mask_mobile,
    mask_name,
    pii_access_log,
)
from portal.members.ratelimit import client_ip, rate_limit_exceeded
from portal.members.selectors import (
    member_list,
    member_ownerships,
    member_profile_for,
    ownership_claims_decidable,
    ownership_claims_pending,
    points_history,
)
from portal.members.services import (
    member_anonymise,
    member_card_reissue,
    unit_ownership_reject,
    unit_ownership_verify,
)


def staff_permission(perm):
    def decorator(view):
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorator


@staff_permission("portal.view_memberprofile")
def member_list_view(request):
    form = MemberFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    profiles = member_list(filters=filters)
    show_pii = request.user.has_perm(PII_PERMISSION)
    if request.GET.get("export") == "csv":
        if not request.user.has_perm(EXPORT_PERMISSION):
            raise PermissionDenied
        return _member_csv(request, profiles, show_pii=show_pii)
    page = Paginator(profiles, 50).get_page(request.GET.get("page"))
    if show_pii:
        pii_access_log(
            staff=request.user, members=[p.user for p in page], what="member list: name, mobile"
        )
    return render(
        request,
        "portal/staff/member_list.html",
        {
            "form": form,
            "page": page,
            "show_pii": show_pii,
            "can_export": request.user.has_perm(EXPORT_PERMISSION),
            "query": request.GET.urlencode(),
        },
    )


def _member_csv(request, profiles, *, show_pii):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="members.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV as Chinese only with a BOM
    writer = csv_writer(response)
    writer.writerow(
        ["member_number", "username", "real_name", "mobile", "email", "city", "level",
         "interests", "date_joined"]
    )  # fmt: skip
    exported = []
    for profile in profiles.iterator(chunk_size=500):
        user = profile.user
        exported.append(user)
        writer.writerow(
            [
                profile.member_number,
                user.username,
                profile.real_name if show_pii else mask_name(profile.real_name),
                profile.mobile if show_pii else mask_mobile(profile.mobile),
                user.email if show_pii else mask_email(user.email),
                profile.city,
                profile.level.name if profile.level else "",
                " ".join(profile.get_interests_display()),
                user.date_joined.date().isoformat(),
            ]
        )
    pii_access_log(
        staff=request.user,
        members=exported,
        what="CSV export: name, mobile, email" if show_pii else "CSV export (masked)",
    )
    return response


@staff_permission("portal.view_memberprofile")
def member_detail(request, user_id):
    member = get_object_or_404(User, pk=user_id)
    profile = member_profile_for(user=member)
    show_pii = request.user.has_perm(PII_PERMISSION)
    if show_pii:
        pii_access_log(staff=request.user, members=[member], what="member detail: full profile")
    balances = points_balances(member=member)
    return render(
        request,
        "portal/staff/member_detail.html",
        {
            "member": member,
            "profile": profile,
            "show_pii": show_pii,
            "balances": balances,
            "entries": points_history(member=member)[:50],
            "ownerships": member_ownerships(member=member),
            "grant_form": PointsGrantForm(),
            "referral_form": ReferralForm(),
        },
    )


@require_POST
@staff_permission("portal.add_pointsentry")
def member_grant(request, user_id):
    member = get_object_or_404(User, pk=user_id)
    form = PointsGrantForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            points_grant(
                member=member,
                by=request.user,
                reward_points=data["reward_points"],
                upgrade_points=data["upgrade_points"],
                reason=data["reason"],
                category=data["category"],
                idempotency_key=data["nonce"],
            )
        except PointsError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Points granted."))
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.values()))
    return redirect("staff_member_detail", user_id=member.pk)


@require_POST
@staff_permission("portal.add_pointsentry")
def member_referral(request, user_id):
    member = get_object_or_404(User, pk=user_id)
    form = ReferralForm(request.POST)
    if form.is_valid():
        contract = form.cleaned_data["contract"].strip()
        entries = points_event_pay(
            member=member,
            event="referral_purchase",
            source_key=f"contract:{contract}",
            reason=_("Referral purchase, contract %(contract)s") % {"contract": contract},
            by=request.user,
        )
        if entries and all(e.member_id == member.pk for e in entries):
            messages.success(request, _("Referral confirmed."))
        else:
            messages.error(request, _("This contract has already paid a referral."))
    return redirect("staff_member_detail", user_id=member.pk)


@require_POST
@staff_permission("portal.change_memberprofile")
def member_reissue(request, user_id):
    member = get_object_or_404(User, pk=user_id)
    member_card_reissue(member=member, by=request.user)
    messages.success(request, _("A new card was issued; the old one no longer verifies."))
    return redirect("staff_member_detail", user_id=member.pk)


@require_POST
@staff_permission("portal.change_memberprofile")
def member_anonymise_view(request, user_id):
    member = get_object_or_404(User, pk=user_id)
    if member.is_superuser or member.pk == request.user.pk:
        raise PermissionDenied
    member_anonymise(member=member, by=request.user)
    messages.success(request, _("The account was deleted and its personal data removed."))
    return redirect("staff_deletions")


@staff_permission("portal.change_memberprofile")
def deletion_requests(request):
    profiles = member_list(filters={}).filter(deletion_requested_at__isnull=False)
    return render(request, "portal/staff/deletions.html", {"profiles": profiles})


@staff_permission("portal.verify_unitownership")
def claims(request):
    return render(
        request,
        "portal/staff/claims.html",
        {"claims": ownership_claims_pending(verifier=request.user), "reject_form": RejectForm()},
    )


@require_POST
@staff_permission("portal.verify_unitownership")
def claim_decide(request, pk):
    ownership = get_object_or_404(UnitOwnership.objects.select_related("member", "project"), pk=pk)
    if not ownership_claims_decidable(verifier=request.user).filter(pk=pk).exists():
        raise PermissionDenied  # a claim in another city's hands
    if request.POST.get("decision") == "verify":
        unit_ownership_verify(ownership=ownership, by=request.user)
        messages.success(request, _("Ownership verified: %(claim)s") % {"claim": ownership})
    else:
        form = RejectForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a reason for the rejection."))
            return redirect("staff_claims")
        unit_ownership_reject(
            ownership=ownership, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Claim rejected: %(claim)s") % {"claim": ownership})
    return redirect("staff_claims")


CARD_CHECKS_PER_MINUTE = 30


def card_verify(request, token):
    """What scanning a card shows: valid or not, the level, and a masked name. Limited per
    address, so tokens cannot be tried in bulk."""
    if rate_limit_exceeded(
        key=f"card-check:{client_ip(request)}", limit=CARD_CHECKS_PER_MINUTE, window=60
    ):
        return render(
            request,
            "portal/card_verify.html",
            {"rate_limited": True, "checked_at": timezone.now()},
            status=429,
        )
    profile = card_profile_from_token(token=token)
    return render(
        request,
        "portal/card_verify.html",
        {"profile": profile, "checked_at": timezone.now()},
        status=200 if profile else 404,
    )
