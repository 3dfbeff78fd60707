from django import forms
from django.utils.translation import gettext_lazy as _

from portal.campaigns.content import TemplateTextError, template_variables_check
from portal.campaigns.models import Campaign, Segment
from portal.members.models import HousingProject, MemberLevel, MemberProfile
from portal.surveys.models import SurveyPage
from portal.surveys.questions import CHOICE_KINDS

CHOICE_ANY = [("", _("Any"))]
SURVEY_SEPARATOR = "|"


def survey_answer_choices() -> list:
    """The choices of the single and multiple choice questions of the surveys usable for
    segments, grouped by survey; a value is ``survey id|question code|choice``."""
    groups = []
    surveys = SurveyPage.objects.filter(segment_use=True, anonymous=False).order_by("title", "pk")
    for survey in surveys:
        options = [
            (
                SURVEY_SEPARATOR.join((str(survey.pk), question.key, choice)),
                f"{question.label} → {choice}",
            )
            for question in survey.question_list
            if question.kind in CHOICE_KINDS
            for choice in question.choices
        ]
        if options:
            groups.append((survey.title, options))
    return groups


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace("，", ",").split(",") if part.strip()]


class SegmentForm(forms.Form):
    """A segment's name and its filters; ``filters()`` is what the segment stores."""

    name = forms.CharField(label=_("Name"), max_length=80)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    levels = forms.ModelMultipleChoiceField(
        label=_("Levels"),
        queryset=MemberLevel.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cities = forms.CharField(
        label=_("Cities"), max_length=200, required=False, help_text=_("Separated by commas.")
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("Verified owners in"),
        queryset=HousingProject.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    owner = forms.ChoiceField(
        label=_("Verified owner"),
        choices=[*CHOICE_ANY, ("yes", _("Yes")), ("no", _("No"))],
        required=False,
    )
    interests = forms.MultipleChoiceField(
        label=_("Interests (any of)"),
        choices=MemberProfile.Interest.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    family = forms.MultipleChoiceField(
        label=_("Family"),
        choices=MemberProfile.Family.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    age_min = forms.IntegerField(label=_("Age from"), min_value=0, max_value=120, required=False)
    age_max = forms.IntegerField(label=_("Age to"), min_value=0, max_value=120, required=False)
    birth_month = forms.TypedChoiceField(
        label=_("Birth month"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[*CHOICE_ANY, *((m, str(m)) for m in range(1, 13))],
    )
    intention = forms.ChoiceField(
        label=_("Purchase intention"),
        choices=[*CHOICE_ANY, ("yes", _("Has told us a budget or a property type"))],
        required=False,
    )
    purchase_types = forms.MultipleChoiceField(
        label=_("Property types"),
        choices=MemberProfile.PropertyType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    budget_min = forms.IntegerField(
        label=_("Budget at least (10,000 yuan)"), min_value=0, required=False
    )
    attended = forms.ChoiceField(
        label=_("Attended an activity"),
        choices=[*CHOICE_ANY, ("yes", _("Yes")), ("no", _("No"))],
        required=False,
    )
    attended_days = forms.IntegerField(
        label=_("…in the last N days"), min_value=1, max_value=3650, required=False
    )
    survey_answer = forms.ChoiceField(
        label=_("Answered a survey"),
        required=False,
        help_text=_(
            "Only members who gave this answer and allowed the club to use it are counted; "
            "only surveys marked for member segments are listed."
        ),
    )
    active_days = forms.IntegerField(
        label=_("Logged in within N days"), min_value=1, max_value=3650, required=False
    )
    inactive_days = forms.IntegerField(
        label=_("Not logged in for N days"), min_value=1, max_value=3650, required=False
    )

    FILTERS = (
        "levels",
        "cities",
        "projects",
        "owner",
        "interests",
        "family",
        "age_min",
        "age_max",
        "birth_month",
        "intention",
        "purchase_types",
        "budget_min",
        "attended",
        "attended_days",
        "active_days",
        "inactive_days",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey_answer"].choices = [*CHOICE_ANY, *survey_answer_choices()]

    def clean(self):
        data = super().clean()
        if (
            data.get("age_min") is not None
            and data.get("age_max") is not None
            and data["age_min"] > data["age_max"]
        ):
            self.add_error("age_max", _("The upper age is below the lower one."))
        return data

    def filters(self) -> dict:
        data = self.cleaned_data
        filters = {
            "levels": [level.code for level in data.get("levels") or []],
            "cities": _split(data.get("cities") or ""),
            "projects": [project.pk for project in data.get("projects") or []],
        }
        for name in self.FILTERS:
            if name not in filters:
                filters[name] = data.get(name)
        if data.get("survey_answer"):
            survey, question, choice = data["survey_answer"].split(SURVEY_SEPARATOR, 2)
            filters.update(survey=int(survey), survey_question=question, survey_choice=choice)
        return {name: value for name, value in filters.items() if value not in (None, "", [])}

    @classmethod
    def initial_for(cls, segment: Segment) -> dict:
        initial = {"name": segment.name, "description": segment.description, **segment.filters}
        initial["cities"] = ", ".join(segment.filters.get("cities", []))
        if segment.filters.get("survey"):
            initial["survey_answer"] = SURVEY_SEPARATOR.join(
                str(segment.filters.get(name, ""))
                for name in ("survey", "survey_question", "survey_choice")
            )
        return initial


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "name",
            "kind",
            "segment",
            "send_mail",
            "send_sms",
            "send_site",
            "subject",
            "newsletter",
            "mail_body",
            "sms_text",
            "sms_max_segments",
            "site_title",
            "site_body",
            "link",
            "activity_time",
            "scheduled_at",
            "repeat",
        ]
        widgets = {
            "scheduled_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "sms_text": forms.Textarea(attrs={"rows": 3, "data-sms-counter": "1"}),
            "mail_body": forms.Textarea(attrs={"rows": 6}),
            "site_body": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["newsletter"].queryset = self.fields["newsletter"].queryset.live()
        # Only owners' vote reminders go without a segment, and they are not composed here.
        self.fields["segment"].required = True
        self.fields["sms_max_segments"].widget.attrs["min"] = 1

    def clean(self):
        data = super().clean()
        for name in ("subject", "mail_body", "sms_text", "site_title", "site_body"):
            try:
                template_variables_check(data.get(name) or "")
            except TemplateTextError as exc:
                self.add_error(name, str(exc))
        return data
