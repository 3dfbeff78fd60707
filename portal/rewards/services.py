"""Rewards that reach the member: request, approval, code or shipment, 核销, expiry.

A request locks the member, then the item: the points are held (available = balance − holds)
and one unit of stock is reserved at once, so neither can go below zero however many requests
arrive together. The hold is charged when the reward reaches the member (a code redeemed at an
outlet, a parcel shipped); a rejection or an expired code releases the hold and returns the
stock. Each step is logged and the member is told in their site messages.
"""

import datetime
import secrets

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.members.models import RedemptionItem, RedemptionRequest, User
from portal.members.notices import notice_send
from portal.members.points import (
    PointsError,
    points_hold,
    points_hold_charge,
    points_hold_for,
    points_hold_release,
    points_member_lock,
)
from portal.rewards.models import (
    Fulfilment,
    FulfilmentError,
    FulfilmentStep,
    RewardOption,
    RewardOutlet,
)

Status = Fulfilment.Status
Method = RewardOption.Method
DECIDE_PERMISSION = "portal.change_redemptionrequest"
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10
CODE_SALT = "portal.rewards.code"


def reward_option_for(*, item: RedemptionItem) -> RewardOption:
    """The item's fulfilment option; an item configured before options existed is picked up."""
    option = RewardOption.objects.filter(item=item).first()
    return option or RewardOption(item=item, method=Method.PICKUP)


def _hold_key(request: RedemptionRequest) -> str:
    # The same key the members' redemption used, so holds made before this app stay found.
    return f"redemption:{request.pk}"


def _step(fulfilment: Fulfilment, *, by: User | None, note: str = "") -> None:
    FulfilmentStep.objects.create(
        fulfilment=fulfilment, status=fulfilment.status, actor=by, note=note[:200]
    )


def _notify(fulfilment: Fulfilment, title: str, body: str = "") -> None:
    # In the same transaction as the step: the member is told exactly what was committed.
    notice_send(
        recipient=fulfilment.request.member,
        kind="reward",
        title=title,
        body=body,
        url=reverse("me_rewards"),
    )


def _release(fulfilment: Fulfilment) -> None:
    hold = points_hold_for(source_key=_hold_key(fulfilment.request))
    if hold is not None:
        points_hold_release(hold=hold)
    item = RedemptionItem.objects.select_for_update().get(pk=fulfilment.request.item_id)
    item.stock += 1
    item.save(update_fields=["stock"])


def _charge(fulfilment: Fulfilment, *, by: User | None) -> None:
    request = fulfilment.request
    if request.points_cost == 0:
        return  # a gift (reward_gift_grant): nothing was held, nothing is spent
    hold = points_hold_for(source_key=_hold_key(request))
    if hold is None:
        raise PointsError(_("No points are held for this request."))
    option = reward_option_for(item=request.item)
    points_hold_charge(hold=hold, by=by, category=option.category, source=request)


def _locked(fulfilment: Fulfilment) -> Fulfilment:
    """Lock the member, then the fulfilment (the same order as a request takes)."""
    points_member_lock(member=fulfilment.request.member)
    return (
        Fulfilment.objects.select_for_update()
        .select_related("request", "request__item", "request__member")
        .get(pk=fulfilment.pk)
    )


@transaction.atomic
def reward_request(
    *,
    member: User,
    item: RedemptionItem,
    recipient_name: str = "",
    recipient_mobile: str = "",
    address: str = "",
) -> Fulfilment:
    """A member asks for a reward: points held, one unit of stock reserved."""
    option = reward_option_for(item=item)
    if option.method == Method.DELIVERY and not (
        recipient_name.strip() and recipient_mobile.strip() and address.strip()
    ):
        raise PointsError(_("Give the recipient's name, mobile and the delivery address."))
    points_member_lock(member=member)
    item = RedemptionItem.objects.select_for_update().get(pk=item.pk)
    if not item.active or item.stock <= 0:
        raise PointsError(_("This item is not available."))
    request = RedemptionRequest(member=member, item=item, points_cost=item.points_cost)
    request.full_clean()
    request.save()
    points_hold(
        member=member,
        amount=item.points_cost,
        source_key=_hold_key(request),
        reason=_("Redeemed: %(item)s") % {"item": item.name},
    )
    item.stock -= 1
    item.save(update_fields=["stock"])
    fulfilment = Fulfilment(
        request=request,
        method=option.method,
        recipient_name=recipient_name.strip()[:40] if option.method == Method.DELIVERY else "",
        recipient_mobile=recipient_mobile.strip()[:11] if option.method == Method.DELIVERY else "",
        address=address.strip()[:200] if option.method == Method.DELIVERY else "",
    )
    fulfilment.full_clean()
    fulfilment.save()
    _step(fulfilment, by=member)
    _notify(
        fulfilment,
        _("Your request for %(item)s was received") % {"item": item.name},
        _("%(points)s reward points are held until it reaches you.") % {"points": item.points_cost},
    )
    return fulfilment


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _n in range(CODE_LENGTH))


def reward_code_token(*, fulfilment: Fulfilment) -> str:
    """What the QR code carries: the code, signed, so a printed code cannot be altered."""
    return signing.Signer(salt=CODE_SALT).sign(fulfilment.code)


def reward_code_from_token(*, token: str) -> str | None:
    try:
        return signing.Signer(salt=CODE_SALT).unsign(token)
    except signing.BadSignature:
        return None


@transaction.atomic
def reward_approve(*, fulfilment: Fulfilment, by: User) -> Fulfilment:
    """Approve a request: pick-up and electronic rewards get a code at once (ready); a delivery
    waits for its shipment. Two approvals at once: the second finds it decided."""
    if not by.has_perm(DECIDE_PERMISSION):
        raise PermissionDenied(_("You may not decide redemption requests."))
    fulfilment = _locked(fulfilment)
    if fulfilment.status != Status.REQUESTED:
        raise FulfilmentError(_("This request was already decided."))
    fulfilment.set_status(Status.APPROVED)
    request = fulfilment.request
    request.status = RedemptionRequest.Status.APPROVED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    _step(fulfilment, by=by)
    if fulfilment.method == Method.DELIVERY:
        fulfilment.save()
        _notify(
            fulfilment,
            _("Your request for %(item)s was approved") % {"item": request.item.name},
            _("It will be shipped to the address you gave.")
            if fulfilment.address
            else _("Staff will call you to confirm the delivery address."),
        )
        return fulfilment
    _code_issue(fulfilment, option=reward_option_for(item=request.item))
    _step(fulfilment, by=by)
    _notify(
        fulfilment,
        _("%(item)s is ready: show your code") % {"item": request.item.name},
        _("Show the code in “Redeem points” at the counter before %(date)s.")
        % {"date": timezone.localtime(fulfilment.code_expires_at).date().isoformat()},
    )
    return fulfilment


def _code_issue(fulfilment: Fulfilment, *, option: RewardOption) -> None:
    """An approved pick-up or electronic reward becomes ready, with a code that expires."""
    fulfilment.set_status(Status.READY)
    fulfilment.code_expires_at = timezone.now() + datetime.timedelta(days=option.code_valid_days)
    for _attempt in range(5):
        fulfilment.code = _new_code()
        try:
            with transaction.atomic():
                fulfilment.save()
            break
        except IntegrityError:
            continue
    else:
        raise FulfilmentError(_("No redemption code could be issued; try again."))


class RewardOutOfStock(PointsError):
    """A gift could not be given: the item is out of stock or withdrawn."""


@transaction.atomic
def reward_gift_grant(*, member: User, item: RedemptionItem, reason: str) -> Fulfilment:
    """Give ``item`` free of points (a level's birthday gift): a zero-cost redemption that takes
    one unit of stock like any other and then follows the item's pipeline. A pick-up or
    electronic gift is ready at once with its code; a delivery waits for staff, who call the
    member for the address (the name and mobile are taken from the profile). The caller keys it
    (once a year) and tells the member; raises RewardOutOfStock when nothing is left."""
    option = reward_option_for(item=item)
    points_member_lock(member=member)
    item = RedemptionItem.objects.select_for_update().get(pk=item.pk)
    if not item.active or item.stock <= 0:
        raise RewardOutOfStock(_("%(item)s is out of stock.") % {"item": item.name})
    item.stock -= 1
    item.save(update_fields=["stock"])
    now = timezone.now()
    delivery = option.method == Method.DELIVERY
    request = RedemptionRequest(
        member=member,
        item=item,
        points_cost=0,
        status=RedemptionRequest.Status.PENDING if delivery else RedemptionRequest.Status.APPROVED,
        decided_at=None if delivery else now,
    )
    request.full_clean()
    request.save()
    profile = getattr(member, "member_profile", None) if delivery else None
    fulfilment = Fulfilment(
        request=request,
        method=option.method,
        recipient_name=profile.real_name[:40] if profile else "",
        recipient_mobile=(profile.mobile or "")[:11] if profile else "",
    )
    fulfilment.full_clean()
    fulfilment.save()
    _step(fulfilment, by=None, note=reason)
    if not delivery:
        fulfilment.set_status(Status.APPROVED)
        _step(fulfilment, by=None, note=reason)
        _code_issue(fulfilment, option=option)
        _step(fulfilment, by=None)
    return fulfilment


@transaction.atomic
def reward_reject(*, fulfilment: Fulfilment, by: User, reason: str) -> Fulfilment:
    if not by.has_perm(DECIDE_PERMISSION):
        raise PermissionDenied(_("You may not decide redemption requests."))
    if not reason.strip():
        raise FulfilmentError(_("Give a reason for the rejection."))
    fulfilment = _locked(fulfilment)
    if fulfilment.status not in (Status.REQUESTED, Status.APPROVED):
        raise FulfilmentError(_("This request was already decided."))
    fulfilment.set_status(Status.REJECTED)
    fulfilment.save()
    _release(fulfilment)
    request = fulfilment.request
    request.status = RedemptionRequest.Status.REJECTED
    request.reject_reason = reason[:200]
    request.decided_by = by
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "reject_reason", "decided_by", "decided_at"])
    _step(fulfilment, by=by, note=reason)
    _notify(
        fulfilment,
        _("Your request for %(item)s was declined") % {"item": request.item.name},
        _("Reason: %(reason)s. The held points are available again.") % {"reason": reason},
    )
    return fulfilment


@transaction.atomic
def reward_ship(*, fulfilment: Fulfilment, by: User, carrier: str, tracking_number: str):
    """A delivery leaves: the held points are spent."""
    if not by.has_perm(DECIDE_PERMISSION):
        raise PermissionDenied(_("You may not decide redemption requests."))
    if not carrier.strip() or not tracking_number.strip():
        raise FulfilmentError(_("Give the carrier and the tracking number."))
    fulfilment = _locked(fulfilment)
    if fulfilment.method != Method.DELIVERY:
        raise FulfilmentError(_("Only deliveries are shipped."))
    fulfilment.set_status(Status.SHIPPED)
    fulfilment.carrier = carrier.strip()[:40]
    fulfilment.tracking_number = tracking_number.strip()[:40]
    fulfilment.save()
    _charge(fulfilment, by=by)
    _step(fulfilment, by=by, note=f"{fulfilment.carrier} {fulfilment.tracking_number}")
    _notify(
        fulfilment,
        _("%(item)s was shipped") % {"item": fulfilment.request.item.name},
        _("%(carrier)s, tracking number %(number)s.")
        % {"carrier": fulfilment.carrier, "number": fulfilment.tracking_number},
    )
    return fulfilment


@transaction.atomic
def reward_receipt_confirm(*, fulfilment: Fulfilment, by: User) -> Fulfilment:
    """The member (or member-services staff) confirms a shipped parcel arrived."""
    if by.pk != fulfilment.request.member_id and not by.has_perm(DECIDE_PERMISSION):
        raise PermissionDenied(_("Only the member can confirm receipt."))
    fulfilment = _locked(fulfilment)
    fulfilment.set_status(Status.FULFILLED)
    fulfilment.fulfilled_by = by
    fulfilment.fulfilled_at = timezone.now()
    fulfilment.save()
    _step(fulfilment, by=by)
    _notify(
        fulfilment,
        _("%(item)s was delivered") % {"item": fulfilment.request.item.name},
    )
    return fulfilment


def outlets_of(*, user: User):
    if not user.is_authenticated:
        return RewardOutlet.objects.none()
    return RewardOutlet.objects.filter(staff=user, active=True)


def reward_lookup(*, code: str) -> Fulfilment | None:
    code = (code or "").strip().upper().replace(" ", "").replace("-", "")
    if len(code) != CODE_LENGTH:
        return None
    return (
        Fulfilment.objects.select_related("request", "request__item", "request__member", "outlet")
        .filter(code=code)
        .first()
    )


@transaction.atomic
def reward_redeem(*, code: str, by: User, outlet: RewardOutlet) -> Fulfilment:
    """核销: staff of an outlet hand the reward over against its code, once."""
    if not RewardOutlet.objects.filter(pk=outlet.pk, staff=by, active=True).exists():
        raise PermissionDenied(_("You do not redeem codes at %(outlet)s.") % {"outlet": outlet})
    found = reward_lookup(code=code)
    if found is None:
        raise FulfilmentError(_("No reward has this code."))
    fulfilment = _locked(found)
    if fulfilment.status == Status.FULFILLED:
        raise FulfilmentError(
            _("This code was already redeemed on %(date)s at %(outlet)s.")
            % {
                "date": timezone.localtime(fulfilment.fulfilled_at).strftime("%Y-%m-%d %H:%M"),
                "outlet": fulfilment.outlet or "—",
            }
        )
    if fulfilment.status != Status.READY:
        raise FulfilmentError(
            _("This reward is %(status)s and cannot be handed over.")
            % {"status": fulfilment.get_status_display()}
        )
    if fulfilment.code_expires_at and fulfilment.code_expires_at <= timezone.now():
        raise FulfilmentError(
            _("This code expired on %(date)s.")
            % {"date": timezone.localtime(fulfilment.code_expires_at).date().isoformat()}
        )
    allowed = reward_option_for(item=fulfilment.request.item)
    places = list(allowed.outlets.all()) if allowed.pk else []
    if places and outlet not in places:
        raise FulfilmentError(
            _("This reward is not redeemed at %(outlet)s; it is collected at: %(places)s.")
            % {"outlet": outlet, "places": "、".join(place.name for place in places)}
        )
    fulfilment.set_status(Status.FULFILLED)
    fulfilment.outlet = outlet
    fulfilment.fulfilled_by = by
    fulfilment.fulfilled_at = timezone.now()
    fulfilment.save()
    _charge(fulfilment, by=by)
    _step(fulfilment, by=by, note=outlet.name)
    _notify(
        fulfilment,
        _("%(item)s was collected at %(outlet)s")
        % {"item": fulfilment.request.item.name, "outlet": outlet.name},
    )
    return fulfilment


def rewards_expire(*, now: datetime.datetime | None = None) -> int:
    """Codes not redeemed in time expire: the hold is released and the stock returned."""
    now = now or timezone.now()
    expired = 0
    due = Fulfilment.objects.filter(status=Status.READY, code_expires_at__lte=now)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            fulfilment = _locked(Fulfilment.objects.select_related("request").get(pk=pk))
            if fulfilment.status != Status.READY:
                continue
            fulfilment.set_status(Status.EXPIRED)
            fulfilment.save()
            _release(fulfilment)
            request = fulfilment.request
            request.status = RedemptionRequest.Status.REJECTED
            request.reject_reason = _("The code expired unused.")
            request.save(update_fields=["status", "reject_reason"])
            _step(fulfilment, by=None)
            _notify(
                fulfilment,
                _("Your code for %(item)s expired") % {"item": request.item.name},
                _("The held points are available again."),
            )
            expired += 1
    return expired
