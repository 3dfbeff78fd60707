"""The personal center (/me/): a member's own data, nothing of anyone else's."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.members.cards import card_token
from portal.members.forms import ProfileForm, SettingsForm, UnitClaimForm
from portal.members.models import MemberLevel, PointsEntry
from portal.members.notices import notices_for, notices_mark_read
from portal.members.overview import member_overview_parts
from portal.members.points import (
    points_balances,
)
from portal.members.qr import qr_svg
from portal.members.referrals import SESSION_KEY as REFERRAL_SESSION_KEY
from portal.members.referrals import referral_token, referrer_from_token
from portal.members.selectors import (
    member_ownerships,
    member_profile_for,
    points_history,
    points_rules_in_force,
)
from portal.members.services import (
    member_data_export,
    member_deletion_cancel,
    member_deletion_request,
    member_profile_update,
    unit_ownership_claim,
)


def page_of(request, queryset, per_page=20):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def personal_center_render(request, template, section, **context):
    """Render a page of the personal center (``portal/me/<template>``, its menu marked at
    ``section``). Other apps' /me/ pages (my posts, my cases) render through it too."""
    if "profile" not in context:
        context["profile"] = member_profile_for(user=request.user)
    context["section"] = section
    return render(request, f"portal/me/{template}", context)


def card_valid_until(profile):
    """Cards run to the end of the year; the yearly level review renews them."""
    return timezone.localdate().replace(month=12, day=31)


@login_required
def personal_center(request):
    user = request.user

    def compute():
        return {
            "profile": member_profile_for(user=user),
            "balances": points_balances(member=user),
            "ownerships": member_ownerships(member=user),
        }

    return personal_center_render(
        request,
        "overview.html",
        "overview",
        # The overview reads no profile besides its kept parts' (their own context).
        profile=None,
        overview=member_overview_parts(user=user, compute=compute),
    )


@login_required
def profile_edit(request):
    profile = member_profile_for(user=request.user)
    form = ProfileForm(
        request.POST or None, member=request.user, initial=ProfileForm.initial_for(profile=profile)
    )
    if request.method == "POST" and form.is_valid():
        try:
            member_profile_update(user=request.user, **form.profile_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("me_profile")
    return personal_center_render(request, "profile.html", "profile", form=form)


@login_required
def units(request):
    form = UnitClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit_ownership_claim(member=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your claim was sent. Club staff will verify it shortly."))
            return redirect("me_units")
    return personal_center_render(
        request,
        "units.html",
        "units",
        form=form,
        ownerships=member_ownerships(member=request.user),
    )


@login_required
def points(request):
    profile = member_profile_for(user=request.user)
    balances = points_balances(member=request.user)
    levels = list(MemberLevel.objects.order_by("rank"))
    next_level = next(
        (level for level in levels if profile.level is None or level.rank > profile.level.rank),
        None,
    )
    return personal_center_render(
        request,
        "points.html",
        "points",
        profile=profile,
        balances=balances,
        reward=balances[PointsEntry.Ledger.REWARD],
        upgrade=balances[PointsEntry.Ledger.UPGRADE],
        levels=levels,
        next_level=next_level,
        to_next=max(0, next_level.upgrade_points_threshold - balances[PointsEntry.Ledger.UPGRADE])
        if next_level
        else 0,
        page=page_of(request, points_history(member=request.user)),
    )


@login_required
def points_earn(request):
    profile = member_profile_for(user=request.user)
    return personal_center_render(
        request,
        "points_earn.html",
        "points",
        rules=points_rules_in_force(today=timezone.localdate()),
        invite_url=request.build_absolute_uri(
            reverse("member_invited", args=[referral_token(profile=profile)])
        ),
    )


def invited(request, token):
    """An invitation link: remember who invited the visitor, then show the join form."""
    if referrer_from_token(token=token) is not None:
        request.session[REFERRAL_SESSION_KEY] = token
    return redirect("account_signup")


@login_required
def card(request):
    profile = member_profile_for(user=request.user)
    verify_url = request.build_absolute_uri(
        reverse(
            "member_card_verify",
            kwargs={"token": card_token(profile=profile)},
        )
    )
    return personal_center_render(
        request,
        "card.html",
        "card",
        profile=profile,
        qr=qr_svg(verify_url),
        verify_url=verify_url,
        valid_until=card_valid_until(profile),
    )


@login_required
def settings_edit(request):
    profile = member_profile_for(user=request.user)
    form = SettingsForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your settings were saved."))
        return redirect("me_settings")
    return personal_center_render(request, "settings.html", "settings", form=form)


@login_required
def data_download(request):
    data = member_data_export(member=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="my-club-data.json"'
    return response


@login_required
def deletion(request):
    if request.method == "POST":
        if request.POST.get("cancel"):
            member_deletion_cancel(member=request.user)
            messages.success(request, _("Your deletion request was withdrawn."))
        else:
            member_deletion_request(member=request.user)
            messages.success(
                request, _("Your request was received. Staff will complete it within 15 days.")
            )
        return redirect("me_delete")
    return personal_center_render(request, "delete.html", "delete")


@login_required
def notices(request):
    """站内信: the member's site messages, newest first; opening the page marks them read."""
    if request.method == "POST":
        notices_mark_read(member=request.user)
        return redirect("me_notices")
    page = page_of(request, notices_for(member=request.user))
    unread_ids = {n.pk for n in page.object_list if n.read_at is None}
    response = personal_center_render(
        request, "notices.html", "notices", page=page, unread_ids=unread_ids
    )
    if unread_ids:
        notices_mark_read(member=request.user, notice_ids=list(unread_ids))
    return response
