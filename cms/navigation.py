"""The CMS link in the header and the personal center (``data-testid="nav-cms"``) for editors
and approvers, with the number of pages awaiting the user's review in a workflow."""

from django.utils.translation import pgettext_lazy

from portal.members.navigation import StaffLink, staff_link_register


def _visible(user) -> bool:
    return user.has_perm("wagtailadmin.access_admin")


def _waiting(user) -> int:
    from wagtail.models import TaskState

    return TaskState.objects.reviewable_by(user).count()


def cms_link_register() -> None:
    staff_link_register(
        StaffLink(
            key="cms",
            label=pgettext_lazy("staff link", "Content"),
            url="/cms/",
            visible=_visible,
            waiting=_waiting,
            order=20,
        )
    )
