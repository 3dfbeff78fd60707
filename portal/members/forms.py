import uuid

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.forms.boundfield import BoundField
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.members.models import (
    MOBILE_REGEX,
    HousingProject,
    MemberLevel,
    MemberProfile,
    PointsCategory,
    UnitOwnership,
)
from portal.members.referrals import SESSION_KEY, referrer_from_token

mobile_validator = RegexValidator(
    MOBILE_REGEX, _("Enter a mainland China mobile number (11 digits).")
)


def birth_year_field(required=False):
    this_year = timezone.now().year
    return forms.IntegerField(
        label=_("Birth year"), required=required, min_value=this_year - 110, max_value=this_year
    )


class MobileUniqueMixin:
    def clean_mobile(self):
        mobile = (self.cleaned_data.get("mobile") or "").strip()
        if not mobile:
            return None
        others = MemberProfile.objects.filter(mobile=mobile)
        user = getattr(self, "member", None)
        if user is not None and user.pk:
            others = others.exclude(user=user)
        if others.exists():
            raise forms.ValidationError(_("This mobile number is already registered."))
        return mobile


class MemberDetailsForm(MobileUniqueMixin, forms.Form):
    """The join form (入会申请) fields; name, mobile and city are required at sign-up."""

    real_name = forms.CharField(label=_("Real name"), max_length=40)
    mobile = forms.CharField(
        label=_("Mobile"),
        max_length=11,
        validators=[mobile_validator],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    city = forms.CharField(label=_("City"), max_length=40)
    gender = forms.ChoiceField(
        label=_("Gender"), choices=[("", "—"), *MemberProfile.Gender.choices], required=False
    )
    birth_year = birth_year_field()
    family = forms.ChoiceField(
        label=_("Family composition"),
        choices=[("", "—"), *MemberProfile.Family.choices],
        required=False,
    )
    how_heard = forms.ChoiceField(
        label=_("How did you hear of the club?"),
        choices=[("", "—"), *MemberProfile.HowHeard.choices],
        required=False,
    )
    interests = forms.MultipleChoiceField(
        label=_("Interests"),
        choices=MemberProfile.Interest.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    purchase_area = forms.CharField(label=_("Preferred area"), max_length=60, required=False)
    purchase_budget = forms.IntegerField(
        label=_("Budget (10,000 yuan)"), min_value=0, required=False
    )
    purchase_type = forms.ChoiceField(
        label=_("Property type"),
        choices=[("", "—"), *MemberProfile.PropertyType.choices],
        required=False,
    )

    def __init__(self, *args, member=None, **kwargs):
        self.member = member
        super().__init__(*args, **kwargs)

    def profile_fields(self) -> dict:
        # Only the member's details: allauth's sign-up form adds account fields beside them.
        names = [*MemberDetailsForm.base_fields, *getattr(self, "extra_profile_fields", ())]
        return {name: self.cleaned_data.get(name) for name in names}


class RequiredMarkedBoundField(BoundField):
    """A required field's widget says so to assistive technology too (``aria-required``)."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if attrs.get("required"):
            attrs["aria-required"] = "true"
        return attrs


class JoinForm(MemberDetailsForm):
    """allauth's ACCOUNT_SIGNUP_FORM_CLASS: its fields are added to the sign-up form.

    account/signup.html shows the required fields first, the optional ones grouped after them
    and the privacy consent last; ``field_order`` is the order within each group (allauth
    applies it after adding its own account fields).
    """

    field_order = [
        "username",
        "email",
        "password1",
        "password2",
        "real_name",
        "mobile",
        "city",
        *(
            name
            for name in MemberDetailsForm.base_fields
            if name not in ("real_name", "mobile", "city")
        ),
        "privacy_consent",
    ]
    bound_field_class = RequiredMarkedBoundField

    privacy_consent = forms.BooleanField(
        required=True,
        error_messages={"required": _("Please read the privacy notice and agree to it to join.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request so the link and the words follow the reader's language.
        self.fields["privacy_consent"].label = format_html(
            gettext(
                'I have read and agree to the <a href="{url}" target="_blank" rel="noopener">'
                "privacy notice</a>"
            ),
            url=reverse("privacy_notice"),
        )

    def signup(self, request, user):
        from portal.members.services import member_privacy_consent_record, member_profile_update

        fields = self.profile_fields()
        if not user.display_name:
            user.display_name = fields["real_name"][:40]
            user.save(update_fields=["display_name"])
        token = request.session.pop(SESSION_KEY, None) if hasattr(request, "session") else None
        referrer = referrer_from_token(token=token) if token else None
        if referrer is not None and referrer.pk != user.pk:
            fields["referred_by"] = referrer
        member_profile_update(user=user, **fields)
        member_privacy_consent_record(user=user, version=settings.PRIVACY_NOTICE_VERSION)


class ProfileForm(MemberDetailsForm):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=40,
        required=False,
        help_text=_("Shown beside your posts instead of your username."),
    )
    field_order = ["display_name"]
    extra_profile_fields = ("display_name",)

    @classmethod
    def initial_for(cls, *, profile: MemberProfile) -> dict:
        initial = {name: getattr(profile, name, None) for name in cls.base_fields}
        initial["interests"] = profile.interest_codes
        initial["display_name"] = profile.user.display_name
        return initial


class SettingsForm(forms.ModelForm):
    class Meta:
        model = MemberProfile
        fields = [
            "notify_points",
            "notify_cases",
            "notify_club_news",
            "sms_club_news",
            "notice_club_news",
            "show_level_badge",
            "allow_sales_contact",
            "birth_month",
            "birth_day",
            "birthday_greetings",
        ]


class UnitClaimForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Housing project"), queryset=HousingProject.objects.order_by("city", "name")
    )
    building = forms.CharField(label=_("Building"), max_length=20)
    unit = forms.CharField(label=_("Unit"), max_length=20)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class PointsGrantForm(forms.Form):
    reward_points = forms.IntegerField(label=_("Reward points"), initial=0)
    upgrade_points = forms.IntegerField(label=_("Upgrade points"), initial=0)
    category = forms.ChoiceField(label=_("Category"), choices=PointsCategory.choices)
    reason = forms.CharField(label=_("Reason"), max_length=200)
    # Written into the form when it is shown: submitting the same form twice pays once.
    nonce = forms.CharField(widget=forms.HiddenInput, initial=lambda: uuid.uuid4().hex)

    def clean(self):
        data = super().clean()
        if not data.get("reward_points") and not data.get("upgrade_points"):
            raise forms.ValidationError(_("Grant some reward or upgrade points."))
        return data


class ReferralForm(forms.Form):
    contract = forms.CharField(
        label=_("Purchase contract number"),
        max_length=60,
        help_text=_("The referred buyer's contract; each contract pays one referral."),
    )


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    level = forms.ModelChoiceField(
        label=_("Level"), queryset=MemberLevel.objects.all(), required=False
    )
    project = forms.ModelChoiceField(
        label=_("Housing project"), queryset=HousingProject.objects.all(), required=False
    )
    city = forms.CharField(label=_("City"), max_length=40, required=False)
    verification = forms.ChoiceField(
        label=_("Verification"),
        choices=[("", "—"), ("none", _("No claim")), *UnitOwnership.Status.choices],
        required=False,
    )
    interest = forms.ChoiceField(
        label=_("Interest"), choices=[("", "—"), *MemberProfile.Interest.choices], required=False
    )
