"""Member, staff and outlet pages of the rewards: /me/rewards/, /members/redemptions/,
/rewards/redeem/ (the phone page merchant and service-centre staff redeem codes on)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.members.member_views import personal_center_render
from portal.members.models import RedemptionItem
from portal.members.points import PointsError, points_available, points_held
from portal.members.privacy import mask_mobile, mask_name
from portal.members.qr import qr_svg
from portal.members.ratelimit import rate_limit_exceeded
from portal.rewards.forms import DeliveryAddressForm, RedeemForm, RejectForm, ShipForm
from portal.rewards.models import Fulfilment, FulfilmentError, RewardOption
from portal.rewards.selectors import fulfilments_for_staff, fulfilments_of, reward_catalogue
from portal.rewards.services import (
    DECIDE_PERMISSION,
    outlets_of,
    reward_approve,
    reward_code_from_token,
    reward_code_token,
    reward_lookup,
    reward_receipt_confirm,
    reward_redeem,
    reward_reject,
    reward_request,
    reward_ship,
)

ADDRESS_PERMISSION = "rewards.view_delivery_address"
LOOKUPS_PER_MINUTE = 30


def staff_permission(perm):
    def decorator(view):
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorator


@login_required
def me_rewards(request):
    address_form = DeliveryAddressForm()
    if request.method == "POST":
        item_id = request.POST.get("item", "")
        if not (item_id.isascii() and item_id.isdecimal() and len(item_id) < 10):
            raise Http404
        item = get_object_or_404(RedemptionItem, pk=int(item_id), active=True)
        option = getattr(item, "reward_option", None)
        fields = {}
        if option is not None and option.method == RewardOption.Method.DELIVERY:
            address_form = DeliveryAddressForm(request.POST)
            if not address_form.is_valid():
                messages.error(request, _("Give the recipient's name, mobile and the address."))
                return redirect("me_rewards")
            fields = address_form.cleaned_data
        try:
            reward_request(member=request.user, item=item, **fields)
        except PointsError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your request was sent; staff will confirm it."))
        return redirect("me_rewards")
    fulfilments = list(fulfilments_of(member=request.user)[:50])
    for fulfilment in fulfilments:
        if fulfilment.status == Fulfilment.Status.READY and fulfilment.code:
            url = request.build_absolute_uri(
                reverse("reward_redeem") + "?t=" + reward_code_token(fulfilment=fulfilment)
            )
            fulfilment.qr = qr_svg(url)
    return personal_center_render(
        request,
        "rewards.html",
        "rewards",
        items=reward_catalogue(),
        reward=points_available(member=request.user),
        held=points_held(member=request.user),
        fulfilments=fulfilments,
        address_form=address_form,
    )


@require_POST
@login_required
def me_reward_received(request, pk):
    fulfilment = get_object_or_404(Fulfilment, pk=pk, request__member=request.user)
    try:
        reward_receipt_confirm(fulfilment=fulfilment, by=request.user)
    except FulfilmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Thank you: the delivery is confirmed."))
    return redirect("me_rewards")


@staff_permission(DECIDE_PERMISSION)
def staff_redemptions(request):
    status = request.GET.get("status", "")
    if status not in Fulfilment.Status.values:
        status = ""
    page = Paginator(fulfilments_for_staff(status=status), 50).get_page(request.GET.get("page"))
    show_address = request.user.has_perm(ADDRESS_PERMISSION)
    for fulfilment in page:
        if not show_address:
            fulfilment.recipient_name = mask_name(fulfilment.recipient_name)
            fulfilment.recipient_mobile = mask_mobile(fulfilment.recipient_mobile)
            fulfilment.address = fulfilment.address[:6] + "…" if fulfilment.address else ""
    return render(
        request,
        "rewards/staff_redemptions.html",
        {
            "page": page,
            "status": status,
            "statuses": Fulfilment.Status.choices,
            "reject_form": RejectForm(),
            "ship_form": ShipForm(),
        },
    )


@require_POST
@staff_permission(DECIDE_PERMISSION)
def staff_redemption_decide(request, pk):
    fulfilment = get_object_or_404(Fulfilment, pk=pk)
    decision = request.POST.get("decision")
    try:
        if decision == "approve":
            reward_approve(fulfilment=fulfilment, by=request.user)
            messages.success(request, _("Redemption approved."))
        elif decision == "reject":
            form = RejectForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give a reason for the rejection."))
                return redirect("staff_redemptions")
            reward_reject(
                fulfilment=fulfilment, by=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Redemption rejected."))
        elif decision == "ship":
            form = ShipForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give the carrier and the tracking number."))
                return redirect("staff_redemptions")
            reward_ship(fulfilment=fulfilment, by=request.user, **form.cleaned_data)
            messages.success(request, _("Marked as shipped."))
        elif decision == "delivered":
            reward_receipt_confirm(fulfilment=fulfilment, by=request.user)
            messages.success(request, _("Marked as delivered."))
        else:
            messages.error(request, _("Choose what to do with the request."))
    except (PointsError, FulfilmentError) as exc:
        messages.error(request, str(exc))
    return redirect("staff_redemptions")


@login_required
def reward_redeem_page(request):
    """The phone page: scan a member's QR (it opens this page with the signed code) or type the
    code, check what it is for, and hand the reward over once."""
    outlets = outlets_of(user=request.user)
    if not outlets.exists():
        raise PermissionDenied(_("Only staff of a service centre or merchant redeem codes."))
    code = ""
    if request.GET.get("t"):
        code = reward_code_from_token(token=request.GET["t"]) or ""
        if not code:
            messages.error(request, _("This QR code is not one of ours."))
    elif request.GET.get("code"):
        code = request.GET["code"]
    form = RedeemForm(request.POST or None, outlets=outlets, initial={"code": code})
    if request.method == "POST" and form.is_valid():
        try:
            fulfilment = reward_redeem(
                code=form.cleaned_data["code"], by=request.user, outlet=form.cleaned_data["outlet"]
            )
        except (PointsError, FulfilmentError, PermissionDenied) as exc:
            messages.error(request, str(exc))
            return redirect(reverse("reward_redeem") + "?code=" + form.cleaned_data["code"][:20])
        messages.success(
            request,
            _("Redeemed: %(item)s for %(member)s.")
            % {
                "item": fulfilment.request.item.name,
                "member": mask_name(fulfilment.request.member.public_name),
            },
        )
        return redirect("reward_redeem")
    found = None
    if code:
        if rate_limit_exceeded(
            key=f"reward-lookup:{request.user.pk}", limit=LOOKUPS_PER_MINUTE, window=60
        ):
            messages.error(request, _("Too many look-ups; wait a minute."))
        else:
            found = reward_lookup(code=code)
            if found is None:
                messages.error(request, _("No reward has this code."))
    return render(
        request,
        "rewards/redeem.html",
        {
            "form": form,
            "found": found,
            "member_name": mask_name(found.request.member.public_name) if found else "",
        },
    )
