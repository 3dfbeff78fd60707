from django import forms
from django.utils.translation import gettext_lazy as _


class SignupForm(forms.Form):
    companions = forms.IntegerField(label=_("Companions"), min_value=0, max_value=10, initial=0)


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Member card or member number"),
        max_length=300,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "inputmode": "text"}
        ),
    )


class StaffSignupForm(forms.Form):
    member = forms.CharField(label=_("Member number or mobile"), max_length=20)
    companions = forms.IntegerField(label=_("Companions"), min_value=0, max_value=10, initial=0)


class SummaryForm(forms.Form):
    went_well = forms.CharField(
        label=_("What worked"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    to_improve = forms.CharField(
        label=_("What to do better"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    cost = forms.DecimalField(
        label=_("Actual cost (yuan)"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
