"""Staff pages (segments, campaigns, approval, statistics) and the members' links from a mail
(unsubscribe, tracked clicks), which need no login: their tokens are signed."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal.campaigns.content import (
    SAMPLE_VALUES,
    SMS_OPT_OUT,
    click_token_read,
    unsubscribe_token_read,
)
from portal.campaigns.forms import CampaignForm, SegmentForm
from portal.campaigns.models import Campaign, CampaignError, Delivery, Segment
from portal.campaigns.selectors import (
    campaign_deliveries,
    campaign_reach,
    campaign_stats,
    segment_reach,
)
from portal.campaigns.services import (
    APPROVE_PERMISSION,
    EXPORT_PERMISSION,
    campaign_approve,
    campaign_back_to_draft,
    campaign_cancel,
    campaign_problems,
    campaign_save,
    campaign_submit,
    delivery_click,
    member_unsubscribe,
    segment_export,
    segment_save,
)
from portal.members.models import MemberProfile


def staff_permission(perm):
    def decorator(view):
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorator


@staff_permission("campaigns.view_campaign")
def campaign_list(request):
    campaigns = Campaign.objects.select_related("segment", "vote", "created_by", "approved_by")
    page = Paginator(campaigns, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/campaign_list.html",
        {"page": page, "segments": Segment.objects.all()},
    )


def _segment_form_page(request, segment):
    if segment is None:
        form = SegmentForm(request.POST or None)
    else:
        form = SegmentForm(request.POST or None, initial=SegmentForm.initial_for(segment))
    if request.method == "POST" and form.is_valid():
        segment = segment_save(
            by=request.user,
            segment=segment,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            filters=form.filters(),
        )
        messages.success(request, _("The segment was saved."))
        return redirect("campaign_segment_edit", pk=segment.pk)
    reach = segment_reach(filters=segment.filters) if segment is not None else None
    return render(
        request,
        "campaigns/segment_form.html",
        {
            "form": form,
            "segment": segment,
            "reach": reach,
            "can_export": request.user.has_perm(EXPORT_PERMISSION),
        },
    )


@staff_permission("campaigns.add_segment")
def segment_new(request):
    return _segment_form_page(request, None)


@staff_permission("campaigns.change_segment")
def segment_edit(request, pk):
    return _segment_form_page(request, get_object_or_404(Segment, pk=pk))


@staff_permission("campaigns.view_segment")
def segment_count(request):
    """The live count while the filters are edited (static/kehuhui/js/campaigns.js)."""
    form = SegmentForm(
        {
            "name": "-",
            **request.GET.dict(),
            **{
                key: request.GET.getlist(key)
                for key in ("levels", "projects", "interests", "family", "purchase_types")
            },
        }
    )
    if not form.is_valid():
        errors = {k: v for k, v in form.errors.items() if k != "name"}
        return JsonResponse({"errors": errors}, status=400)
    return JsonResponse(segment_reach(filters=form.filters()))


@staff_permission(EXPORT_PERMISSION)
def segment_export_csv(request, pk):
    segment = get_object_or_404(Segment, pk=pk)
    stream = io.StringIO()
    stream.write("\ufeff")  # Excel opens UTF-8 CSV as Chinese only with a BOM
    segment_export(by=request.user, segment=segment, stream=stream)
    response = HttpResponse(stream.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="segment-{segment.pk}.csv"'
    return response


def _campaign_form_page(request, campaign):
    form = CampaignForm(request.POST or None, instance=campaign)
    if campaign is not None and campaign.status != Campaign.Status.DRAFT:
        messages.error(request, _("Only a draft can be changed; send it back to draft first."))
        return redirect("campaign_detail", pk=campaign.pk)
    if request.method == "POST" and form.is_valid():
        saved = campaign_save(by=request.user, campaign=form.instance)
        messages.success(request, _("The campaign was saved."))
        return redirect("campaign_detail", pk=saved.pk)
    return render(
        request,
        "campaigns/campaign_form.html",
        {"form": form, "campaign": campaign, "sample": SAMPLE_VALUES, "opt_out": SMS_OPT_OUT},
    )


@staff_permission("campaigns.add_campaign")
def campaign_new(request):
    return _campaign_form_page(request, None)


@staff_permission("campaigns.change_campaign")
def campaign_edit(request, pk):
    return _campaign_form_page(request, get_object_or_404(Campaign, pk=pk))


@staff_permission("campaigns.view_campaign")
def campaign_detail(request, pk):
    campaign = get_object_or_404(
        Campaign.objects.select_related("segment", "vote", "created_by", "approved_by"), pk=pk
    )
    status = request.GET.get("status", "")
    if status not in Delivery.Status.values:
        status = ""
    page = Paginator(campaign_deliveries(campaign=campaign, status=status), 50).get_page(
        request.GET.get("page")
    )
    can_approve = (
        request.user.has_perm(APPROVE_PERMISSION) and request.user.pk != campaign.created_by_id
    )
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "stats": campaign_stats(campaign=campaign),
            "problems": campaign_problems(campaign=campaign),
            "reach": campaign_reach(campaign=campaign),
            "page": page,
            "status": status,
            "statuses": Delivery.Status.choices,
            "can_approve": can_approve,
            "can_edit": request.user.has_perm("campaigns.change_campaign"),
        },
    )


ACTIONS = {
    "submit": campaign_submit,
    "approve": campaign_approve,
    "draft": campaign_back_to_draft,
    "cancel": campaign_cancel,
}


@require_POST
@staff_permission("campaigns.view_campaign")
def campaign_action(request, pk):
    campaign = get_object_or_404(Campaign, pk=pk)
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Unknown action."))
        return redirect("campaign_detail", pk=pk)
    if action is campaign_submit and not request.user.has_perm("campaigns.change_campaign"):
        raise PermissionDenied
    try:
        action(by=request.user, campaign=campaign)
    except CampaignError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Done: %(status)s.") % {"status": campaign.get_status_display()}
        )
    return redirect("campaign_detail", pk=pk)


# --- from the mail: no login, signed tokens ---------------------------------------------------


def _invalid_link(request, message):
    return render(request, "campaigns/link_invalid.html", {"message": message}, status=400)


@csrf_exempt  # the one-click POST comes from the mail program (RFC 8058), the token is the secret
def unsubscribe(request, token):
    data = unsubscribe_token_read(token)
    profile = MemberProfile.objects.filter(user_id=data["m"]).first() if data else None
    if profile is None:
        return _invalid_link(
            request,
            _(
                "This unsubscribe link is not valid. Open your settings after logging in, or "
                "copy the whole link from the mail."
            ),
        )
    delivery_id = data.get("d")
    if request.method == "POST":
        if request.POST.get("List-Unsubscribe") == "One-Click":
            member_unsubscribe(member_id=profile.user_id, delivery_id=delivery_id)
            profile.refresh_from_db()
            return render(
                request, "campaigns/unsubscribe.html", {"profile": profile, "saved": True}
            )
        channels = [
            channel
            for channel, field in (
                ("mail", "notify_club_news"),
                ("sms", "sms_club_news"),
                ("site", "notice_club_news"),
            )
            if request.POST.get(field) != "on"
        ]
        if channels:
            member_unsubscribe(
                member_id=profile.user_id, delivery_id=delivery_id, channels=channels
            )
        kept = {
            field: True
            for field in ("notify_club_news", "sms_club_news", "notice_club_news")
            if request.POST.get(field) == "on"
        }
        if kept:
            MemberProfile.objects.filter(pk=profile.pk).update(**kept)
        profile.refresh_from_db()
        return render(request, "campaigns/unsubscribe.html", {"profile": profile, "saved": True})
    return render(request, "campaigns/unsubscribe.html", {"profile": profile, "saved": False})


def click(request, token):
    data = click_token_read(token)
    if data is None:
        return _invalid_link(request, _("This link is not valid."))
    if data.get("d"):
        delivery_click(delivery_id=data["d"], url=data["u"])
    return HttpResponseRedirect(data["u"])
