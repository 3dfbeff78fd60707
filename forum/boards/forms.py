from django import forms
from django.utils.translation import gettext_lazy as _

from forum.boards.models import PostReport


class PostReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"), choices=PostReport.Reason.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Details (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NotificationPreferenceForm(forms.Form):
    email_on_reply = forms.BooleanField(
        label=_("Also email me when someone replies in a topic I follow"), required=False
    )
