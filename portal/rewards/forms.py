from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.members.models import MOBILE_REGEX
from portal.rewards.models import PlanLine


class DeliveryAddressForm(forms.Form):
    recipient_name = forms.CharField(label=_("Recipient"), max_length=40)
    recipient_mobile = forms.CharField(
        label=_("Mobile"),
        max_length=11,
        validators=[
            RegexValidator(MOBILE_REGEX, _("Enter a mainland China mobile number (11 digits)."))
        ],
    )
    address = forms.CharField(label=_("Delivery address"), max_length=200)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ShipForm(forms.Form):
    carrier = forms.CharField(label=_("Carrier"), max_length=40)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=40)


class RedeemForm(forms.Form):
    code = forms.CharField(label=_("Redemption code"), max_length=40)
    outlet = forms.ModelChoiceField(label=_("Outlet"), queryset=None, empty_label=None)

    def __init__(self, *args, outlets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outlet"].queryset = outlets


class BudgetChangeForm(forms.Form):
    budget = forms.IntegerField(label=_("New budget"), min_value=0, max_value=2_000_000_000)
    reason = forms.CharField(label=_("Reason"), max_length=200)


def _activity_label(activity) -> str:
    return _("%(date)s %(title)s (%(count)s checked in)") % {
        "date": timezone.localtime(activity.starts_at).strftime("%Y-%m-%d"),
        "title": activity.title,
        "count": activity.n_attended,
    }


class GrantForm(forms.Form):
    line = forms.ModelChoiceField(label=_("Plan line"), queryset=PlanLine.objects.none())
    reward_points = forms.IntegerField(label=_("Reward points each"), min_value=1, max_value=100000)
    upgrade_points = forms.IntegerField(
        label=_("Upgrade points each"), min_value=0, max_value=100000, initial=0
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)
    member_numbers = forms.CharField(
        label=_("Member numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One or more, separated by spaces, commas or new lines."),
    )
    segment_level = forms.ChoiceField(label=_("Or everyone at level"), required=False)
    segment_project = forms.ChoiceField(label=_("Or verified owners in"), required=False)
    segment_activity = forms.ModelChoiceField(
        label=_("Or the members checked in at"),
        queryset=None,
        required=False,
        empty_label="—",
        help_text=_("Activities of the past two years that checked members in."),
    )

    def __init__(self, *args, lines, levels, projects, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines
        self.fields["segment_level"].choices = [("", "—"), *((lv.code, lv.name) for lv in levels)]
        self.fields["segment_project"].choices = [("", "—"), *((p.pk, p.name) for p in projects)]
        self.fields["segment_activity"].queryset = activities
        self.fields["segment_activity"].label_from_instance = _activity_label

    def clean(self):
        data = super().clean()
        chosen = [
            bool((data.get("member_numbers") or "").strip()),
            bool(data.get("segment_level")),
            bool(data.get("segment_project")),
            bool(data.get("segment_activity")),
        ]
        if sum(chosen) != 1:
            raise forms.ValidationError(
                _(
                    "Choose the members one way: member numbers, a level, a housing project "
                    "or an activity's attendees."
                )
            )
        return data
