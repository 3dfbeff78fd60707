"""The improvement list's link in the header and the personal center
(``data-testid="nav-improvements"``): for moderators and department staff, who plan and follow
the improvements; members see what became of their feedback at /me/improvements/ instead."""

from django.utils.translation import pgettext_lazy

from forum.insight.permissions import can_see_improvements
from portal.members.navigation import StaffLink, staff_link_register


def improvements_link_register() -> None:
    staff_link_register(
        StaffLink(
            key="improvements",
            label=pgettext_lazy("staff link", "Improvements"),
            url="/triage/improvements/",
            visible=can_see_improvements,
            order=14,
        )
    )
