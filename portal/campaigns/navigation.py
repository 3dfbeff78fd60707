"""The staff link to the campaigns' pages, with the campaigns awaiting the user's approval."""

from django.utils.translation import pgettext_lazy

from portal.members.navigation import StaffLink, staff_link_register

VIEW_PERMISSION = "campaigns.view_campaign"


def _visible(user) -> bool:
    return user.has_perm(VIEW_PERMISSION)


def _waiting(user) -> int:
    from portal.campaigns.models import Campaign

    if not user.has_perm("campaigns.approve_campaign"):
        return 0
    return Campaign.objects.filter(status=Campaign.Status.AWAITING).exclude(created_by=user).count()


def campaigns_link_register() -> None:
    staff_link_register(
        StaffLink(
            key="campaigns",
            label=pgettext_lazy("staff link", "Campaigns"),
            url="/campaigns/",
            visible=_visible,
            waiting=_waiting,
            order=40,
        )
    )
