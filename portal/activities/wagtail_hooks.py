"""Links from an activity in the CMS to its staff pages (sign-up list, check-in, summary)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from portal.activities.models import ActivityPage

STAFF_BUTTONS = (
    # permission, url name, label, icon
    ("activities.view_signup", "activities_staff_signups", _("Sign-up list"), "group"),
    ("activities.check_in_signup", "activities_check_in", _("Check-in"), "tick"),
    ("activities.change_experiencesummary", "activities_staff_summary",
     _("Experience summary"), "doc-full"),
)  # fmt: skip


def _buttons(page, user):
    if page.specific_class is not ActivityPage or page.pk is None:
        return
    for priority, (perm, name, label, icon) in enumerate(STAFF_BUTTONS, start=70):
        if user.has_perm(perm):
            url = reverse(name, args=[page.pk])
            yield Button(label, url, icon_name=icon, priority=priority)


@hooks.register("register_page_listing_more_buttons")
def activity_listing_buttons(page, user, next_url=None):
    yield from _buttons(page, user)
