"""Administrators create owners' votes, keep the unit register (floor areas) and remind the
owners whose units have not voted here."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.campaigns.models import CampaignError, Channel
from portal.campaigns.reminders import VoteReminder, vote_reminder_send
from portal.campaigns.selectors import campaign_stats, vote_reminder_reach
from portal.surveys.models import OwnersVote, UnitArea, VoteOption
from portal.surveys.services import owners_vote_register_units


@admin.register(UnitArea)
class UnitAreaAdmin(admin.ModelAdmin):
    list_display = ["project", "building", "unit", "area"]
    list_filter = ["project"]
    search_fields = ["building", "unit"]


class VoteOptionInline(admin.TabularInline):
    model = VoteOption
    extra = 3


class OwnersVoteForm(forms.ModelForm):
    class Meta:
        model = OwnersVote
        fields = [
            "project",
            "buildings",
            "title",
            "description",
            "opens_at",
            "closes_at",
            "rule",
            "weighted_by_area",
            "open_ballot",
        ]

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and data.get("project"):
            vote = OwnersVote(project=data["project"], buildings=data.get("buildings") or "")
            register = UnitArea.objects.filter(project=vote.project)
            if vote.building_list:
                register = register.filter(building__in=vote.building_list)
            if not register.exists():
                raise ValidationError(
                    _("The register has no units for this project and these buildings.")
                )
        return data


@admin.register(OwnersVote)
class OwnersVoteAdmin(admin.ModelAdmin):
    form = OwnersVoteForm
    list_display = ["title", "project", "opens_at", "closes_at", "rule"]
    list_filter = ["project", "rule"]
    inlines = [VoteOptionInline]
    actions = ["remind_owners"]

    def get_readonly_fields(self, request, obj=None):
        # The rules and the register are fixed once the vote exists.
        if obj is not None:
            return ["project", "buildings", "rule", "weighted_by_area", "open_ballot", "opens_at"]
        return []

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            count = owners_vote_register_units(vote=obj)
            self.message_user(request, _("%(n)d units may vote.") % {"n": count})

    @admin.action(
        description=gettext_lazy("Remind owners whose unit has not voted"), permissions=["change"]
    )
    def remind_owners(self, request, queryset):
        """First a page to choose the channels (with how many each would reach), then the
        reminders through the campaigns' sending, and what each did."""
        form = VoteReminderForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for vote in queryset.select_related("project"):
                try:
                    reminder = vote_reminder_send(
                        vote=vote, channels=form.cleaned_data["channels"], by=request.user
                    )
                except CampaignError as exc:
                    self.message_user(request, str(exc), messages.ERROR)
                else:
                    self.message_user(request, _reminder_summary(request, reminder))
            return None
        votes = [(vote, vote_reminder_reach(vote=vote)) for vote in queryset]
        return TemplateResponse(
            request,
            "admin/surveys/ownersvote/remind_owners.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Remind owners whose unit has not voted"),
                "opts": self.model._meta,
                "votes": votes,
                "form": form,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across", "0"),
            },
        )


class VoteReminderForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label=gettext_lazy("Channels"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Channel.SITE],
        error_messages={"required": gettext_lazy("Choose at least one channel.")},
    )


def _reminder_summary(request, reminder: VoteReminder):
    """What the reminder did, per channel, as the staff member sees it right after sending
    (with the in-process task backend the messages have gone; with workers they are queued)."""
    stats = campaign_stats(campaign=reminder.campaign)
    parts = []
    for channel in reminder.campaign.channels:
        row = stats.get(channel, {})
        parts.append(
            _(
                "%(channel)s: %(sent)d sent, %(waiting)d waiting, %(failed)d failed, "
                "%(no_address)d skipped for no address"
            )
            % {
                "channel": Channel(channel).label,
                "sent": row.get("sent", 0),
                "waiting": sum(row.get(status, 0) for status in ("queued", "sending", "deferred")),
                "failed": row.get("failed", 0),
                "no_address": reminder.no_address.get(channel, 0),
            }
        )
    summary = _(
        "“%(title)s”: %(owners)d owners of units that have not voted (%(closed)d closed or "
        "leaving accounts not written to). %(channels)s."
    ) % {
        "title": reminder.campaign.vote.title,
        "owners": reminder.owners,
        "closed": reminder.closed_accounts,
        "channels": _("; ").join(parts),
    }
    if request.user.has_perm("campaigns.view_campaign"):
        return format_html(
            '{} <a href="{}">{}</a>',
            summary,
            reverse("campaign_detail", args=[reminder.campaign.pk]),
            _("Delivery log"),
        )
    return summary
