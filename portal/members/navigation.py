"""Staff work links: each area declares the link to its staff pages and what waits there.

An area registers its link once, in its ``AppConfig.ready()``::

    staff_link_register(StaffLink(key="triage", label=_("Cases"), url="/triage/", order=10,
                                  visible=can_see_queue, waiting=open_cases_count))

``visible(user)`` decides from the permissions the user really has; ``waiting(user)`` counts
what waits for that user (open cases of their department, pages awaiting their review, claims
and redemptions to decide). The header and the personal center show the links a user may
follow, with the counts, each as ``data-testid="nav-<key>"``. Members and visitors see none and
cost no query. The registry lives here so the members' domain shows other areas' links without
importing them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class StaffLink:
    key: str
    label: str | Promise
    url: str | Callable  # or url(user), for a link whose page depends on the user's rights
    visible: Callable
    waiting: Callable | None = None
    order: int = 50


STAFF_LINKS: dict[str, StaffLink] = {}


def staff_link_register(link: StaffLink) -> StaffLink:
    STAFF_LINKS[link.key] = link
    return link


def staff_links_for(user) -> list[dict]:
    """The links ``user`` may follow, in order, with the number waiting (0 when none)."""
    if not getattr(user, "is_authenticated", False):
        return []
    if not hasattr(user, "_staff_links"):
        links = []
        for link in sorted(STAFF_LINKS.values(), key=lambda item: (item.order, item.key)):
            if not link.visible(user):
                continue
            waiting = link.waiting(user) if link.waiting else 0
            url = link.url(user) if callable(link.url) else link.url
            links.append({"key": link.key, "label": link.label, "url": url, "waiting": waiting})
        user._staff_links = links
    return user._staff_links


# The member-service pages and the permission each needs, in the order the link prefers them.
MEMBER_SERVICE_PAGES = (
    ("portal.view_memberprofile", "staff_members"),
    ("portal.verify_unitownership", "staff_claims"),
    ("portal.change_redemptionrequest", "staff_redemptions"),
)


def _members_visible(user) -> bool:
    return any(user.has_perm(perm) for perm, _name in MEMBER_SERVICE_PAGES)


def _members_url(user) -> str:
    from django.urls import reverse

    return next(reverse(name) for perm, name in MEMBER_SERVICE_PAGES if user.has_perm(perm))


def _members_waiting(user) -> int:
    from portal.members.models import RedemptionRequest, UnitOwnership

    waiting = 0
    if user.has_perm("portal.verify_unitownership"):
        waiting += UnitOwnership.objects.filter(status=UnitOwnership.Status.PENDING).count()
    if user.has_perm("portal.change_redemptionrequest"):
        waiting += RedemptionRequest.objects.filter(status=RedemptionRequest.Status.PENDING).count()
    return waiting


def members_link_register() -> None:
    from django.utils.translation import pgettext_lazy

    staff_link_register(
        StaffLink(
            key="members",
            label=pgettext_lazy("staff link", "Members"),
            url=_members_url,
            visible=_members_visible,
            waiting=_members_waiting,
            order=30,
        )
    )
