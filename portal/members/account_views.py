"""Joining the club: allauth's sign-up, with the account and its member profile in one transaction.

allauth saves the user, then the join form's profile (portal.members.forms.JoinForm.signup). Two
simultaneous sign-ups with one mobile both passed the form's uniqueness check; the second then
failed on the database's unique index with HTTP 500, leaving an account without its profile
mobile (issue 13, finding 6). Here both writes commit together or not at all, and a conflict
found only by the database is shown as the form's error, as if it had been found first.
"""

from allauth.account.internal import flows
from allauth.account.views import SignupView
from allauth.core.exceptions import ImmediateHttpResponse
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

SIGNUP_CONFLICT = _(
    "Someone registered the same details a moment ago. Please check your username, email and "
    "mobile number and try again."
)


class JoinView(SignupView):
    def form_valid(self, form):
        try:
            with transaction.atomic():
                self.user, response = form.try_save(self.request)
        except (IntegrityError, ValidationError):
            return self.form_invalid(self._revalidated(form))
        if response:
            return response
        try:
            return flows.signup.complete_signup(
                self.request,
                user=self.user,
                redirect_url=self.get_success_url(),
                by_passkey=form.by_passkey,
            )
        except ImmediateHttpResponse as immediate:
            return immediate.response

    def _revalidated(self, form):
        """The same data validated again: now that the other sign-up committed, the form's own
        checks name the field (this mobile number is already registered, …)."""
        fresh = self.get_form_class()(**self.get_form_kwargs())
        if fresh.is_valid():
            fresh.add_error(None, SIGNUP_CONFLICT)
        return fresh


join = JoinView.as_view()


def privacy_notice(request):
    """The privacy notice members agree to when they join, at a stable address."""
    return render(
        request,
        "portal/privacy_notice.html",
        {"version": settings.PRIVACY_NOTICE_VERSION},
    )
