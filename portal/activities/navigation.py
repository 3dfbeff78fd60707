"""The activities link in the header and the personal center (``data-testid="nav-activities"``)
for staff holding an activities permission; what waits is today's activities to check in."""

from django.utils.translation import pgettext_lazy

from portal.members.navigation import StaffLink, staff_link_register

STAFF_PAGES = (
    # permission, where the link leads when the user holds it (the first held wins)
    ("activities.view_activity_plan", "activities_plan"),
    ("activities.view_experiencesummary", "activities_cases"),
    ("activities.view_signup", None),
    ("activities.check_in_signup", None),
)


def _visible(user) -> bool:
    return any(user.has_perm(perm) for perm, _name in STAFF_PAGES)


def _url(user) -> str:
    from django.urls import reverse

    for perm, name in STAFF_PAGES:
        if name and user.has_perm(perm):
            return reverse(name)
    return "/activities/"


def _waiting(user) -> int:
    if not user.has_perm("activities.check_in_signup"):
        return 0
    from django.utils import timezone

    from portal.activities.models import ActivityPage

    return ActivityPage.objects.live().filter(starts_at__date=timezone.localdate()).count()


def activities_link_register() -> None:
    staff_link_register(
        StaffLink(
            key="activities",
            label=pgettext_lazy("staff link", "Activities"),
            url=_url,
            visible=_visible,
            waiting=_waiting,
            order=40,
        )
    )
