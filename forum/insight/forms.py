from django import forms
from django.utils.translation import gettext_lazy as _

from forum.cases.models import Department
from forum.insight.models import ImprovementItem
from portal.members.models import HousingProject


def id_list(text: str) -> list[int]:
    """``"1,2,x"`` → ``[1, 2]``: ids from a comma list, anything else dropped."""
    ids = []
    for part in (text or "").split(","):
        try:
            ids.append(int(part))
        except ValueError:
            continue
    return ids[:200]


class ImprovementCreateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    department = forms.ModelChoiceField(
        label=_("Owning department"), queryset=Department.objects.filter(is_active=True)
    )
    project = forms.ModelChoiceField(
        label=_("Housing project"),
        queryset=HousingProject.objects.order_by("name"),
        required=False,
        empty_label=_("Future projects / all"),
    )
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=4000, widget=forms.Textarea(
            attrs={"rows": 4})
    )  # fmt: skip
    reason = forms.CharField(label=_("Why it goes on the list"), max_length=500)
    issue = forms.IntegerField(required=False, widget=forms.HiddenInput)
    cases = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_cases(self) -> list[int]:
        return id_list(self.cleaned_data.get("cases") or "")


class ImprovementMoveForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ImprovementItem.Status.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, item: ImprovementItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (value, label)
            for value, label in ImprovementItem.Status.choices
            if item.can_move_to(value)
        ]


class ImprovementEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=4000, widget=forms.Textarea(
            attrs={"rows": 4})
    )  # fmt: skip


class ImprovementFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + ImprovementItem.Status.choices
    )
    department = forms.SlugField(required=False, widget=forms.HiddenInput)
