"""The triage link in the header and the personal center (``data-testid="nav-triage"``):
moderators see the cases waiting for triage, department staff the open cases of their
departments."""

from django.utils.translation import pgettext_lazy

from forum.visibility import is_moderator, staff_department_ids
from portal.members.navigation import StaffLink, staff_link_register


def staff_link_visible(user) -> bool:
    return is_moderator(user) or bool(staff_department_ids(user))


def waiting_count(user):
    """The header's count of cases waiting for ``user``: its kept name and how to count it."""
    from forum.cases.counts import count_name
    from forum.cases.models import Case

    if is_moderator(user):
        return count_name("waiting", "new"), Case.objects.filter(status=Case.Status.NEW).count
    departments = sorted(staff_department_ids(user))
    return count_name("waiting", "open", departments), Case.objects.filter(
        department_id__in=departments, status__in=Case.OPEN_STATUSES
    ).count


def _waiting(user) -> int:
    from forum.cases.counts import case_count

    name, compute = waiting_count(user)
    return case_count(user=user, name=name, compute=compute)


def triage_link_register() -> None:
    staff_link_register(
        StaffLink(
            key="triage",
            label=pgettext_lazy("staff link", "Cases"),
            url="/triage/",
            visible=staff_link_visible,
            waiting=_waiting,
            order=10,
        )
    )


def _desk_visible(user) -> bool:
    # Moderators reach the desk and the follow-ups from their queue; this is the service desk's
    # own way in.
    return not is_moderator(user) and user.has_perm("cases.service_desk")


def _follow_ups_waiting(user) -> int:
    from forum.cases.models import CaseFollowUp

    return CaseFollowUp.objects.filter(done_at__isnull=True).count()


def desk_link_register() -> None:
    staff_link_register(
        StaffLink(
            key="desk",
            label=pgettext_lazy("staff link", "Service desk"),
            url="/triage/desk/",
            visible=_desk_visible,
            waiting=_follow_ups_waiting,
            order=12,
        )
    )
