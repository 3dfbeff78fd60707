from django import forms
from django.utils.translation import gettext_lazy as _

from forum.boards.posting import POST_MAX_LENGTH, post_length_error
from forum.cases.models import Case, CaseFollowUp, Category, Department, Priority


def _departments():
    return Department.objects.filter(is_active=True)


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Open"))] + Case.Status.choices
    )
    department = forms.ChoiceField(label=_("Department"), required=False)
    project = forms.ChoiceField(label=_("Housing project"), required=False)
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=[("", "—")] + Priority.choices
    )
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", "—")] + Case.Type.choices
    )
    due = forms.ChoiceField(
        label=_("Due"),
        required=False,
        choices=[("", "—"), ("soon", _("Due within 4 hours")), ("overdue", _("Overdue"))],
    )
    owner = forms.ChoiceField(label=_("Owner"), required=False)

    def __init__(self, *args, owners=None, departments=None, projects=None, **kwargs):
        """``departments`` (the active ones) and ``projects`` (``(pk, name)`` pairs) as the
        view has already read them (each read here otherwise)."""
        from portal.members.models import HousingProject

        super().__init__(*args, **kwargs)
        if departments is None:
            departments = _departments()
        if projects is None:
            projects = HousingProject.objects.values_list("pk", "name")
        self.fields["owner"].choices = [
            ("", "—"),
            ("me", _("Mine")),
            ("none", _("No owner")),
        ] + [(str(u.pk), u.public_name) for u in (owners or [])]
        self.fields["department"].choices = [("", "—"), ("none", _("Not assigned"))] + [
            (d.code, d.name) for d in departments
        ]
        self.fields["project"].choices = [("", "—")] + [(str(pk), name) for pk, name in projects]

    def filters(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class OverrideForm(VersionForm):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True), required=False
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=[("", "—")] + Priority.choices,
        coerce=int,
        empty_value=None,
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments()


class ReplyForm(VersionForm):
    # The forum's post limit: an official reply is a post of the topic.
    content = forms.CharField(
        label=_("Official reply"),
        max_length=POST_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_content(self):
        content = self.cleaned_data["content"]
        error = post_length_error(content=content)
        if error:
            raise forms.ValidationError(error)
        return content


class StatusForm(VersionForm):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[(v, label) for v, label in Case.Status.choices if v != Case.Status.NEW],
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class OwnerForm(VersionForm):
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=None, required=False, empty_label=_("No owner")
    )

    def __init__(self, *args, members=None, **kwargs):
        from django.contrib.auth import get_user_model

        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            members if members is not None else get_user_model().objects.none()
        )
        self.fields["owner"].label_from_instance = lambda user: user.public_name


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Internal note (staff only; @username notifies a colleague)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a note first.")},
    )


class OutcomeForm(VersionForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Case.Outcome.choices)
    reason = forms.CharField(
        label=_("Reason (the member sees it)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class HandBackForm(VersionForm):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class BulkAssignForm(forms.Form):
    cases = forms.ModelMultipleChoiceField(
        queryset=Case.objects.filter(status__in=Case.OPEN_STATUSES)
    )
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments()


class RateForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("Your satisfaction"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


REPORT_FIRST_YEAR = 2000
REPORT_LAST_YEAR = 2999


class MemberReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("What is still not solved?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Tell the department what is still not solved.")},
    )


class ReportForm(forms.Form):
    month = forms.CharField(
        label=_("Month"), required=False, widget=forms.TextInput(attrs={"type": "month"})
    )
    project = forms.ChoiceField(label=_("Housing project"), required=False)

    def __init__(self, *args, **kwargs):
        from portal.members.models import HousingProject

        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [("", _("All projects"))] + [
            (str(p.pk), p.name) for p in HousingProject.objects.all()
        ]

    def clean_month(self):
        import re

        value = self.cleaned_data.get("month") or ""
        if value and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value, flags=re.ASCII):
            raise forms.ValidationError(_("Use the form YYYY-MM."))
        # The report reaches a year around the month (trends, the next month's start): years
        # at the ends of the calendar (0000, 0001, 9999) answered 500.
        if value and not REPORT_FIRST_YEAR <= int(value[:4]) <= REPORT_LAST_YEAR:
            raise forms.ValidationError(
                _("Choose a month between %(first)d and %(last)d.")
                % {"first": REPORT_FIRST_YEAR, "last": REPORT_LAST_YEAR}
            )
        return value


class FollowUpForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=CaseFollowUp.Result.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class MemberLookupForm(forms.Form):
    q = forms.CharField(
        label=_("Mobile number, member number or name"), max_length=40, required=True
    )


class DeskCaseForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(v, label) for v, label in Case.Channel.choices if v != Case.Channel.FORUM],
    )
    type = forms.ChoiceField(
        label=_("Type"),
        choices=[
            (Case.Type.COMPLAINT, Case.Type.COMPLAINT.label),
            (Case.Type.SUGGESTION, Case.Type.SUGGESTION.label),
        ],
    )
    subject = forms.CharField(label=_("Subject"), max_length=100)
    content = forms.CharField(
        label=_("What the member said"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    unit = forms.ChoiceField(label=_("Housing project and unit"), required=False)
    contact_way = forms.ChoiceField(
        label=_("How to contact"), required=False, choices=[("", "—")] + Case.ContactWay.choices
    )
    visit_time = forms.CharField(
        label=_("Preferred time for a visit"), max_length=100, required=False
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {str(u.pk): u for u in units}
        self.fields["unit"].choices = [("", "—")] + [
            (str(u.pk), f"{u.project.name} {u.building}-{u.unit}") for u in units
        ]

    def clean_unit(self):
        value = self.cleaned_data.get("unit")
        return self.units.get(value) if value else None


class DepartmentAlertPreferenceForm(forms.Form):
    on_site = forms.BooleanField(label=_("Tell me on the site about new cases"), required=False)
    by_email = forms.BooleanField(label=_("Email me about new cases"), required=False)
