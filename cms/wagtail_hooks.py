"""The merchant snippet's admin listing, its follow-up filters and a dashboard reminder."""

import django_filters
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms import selectors
from cms.models import Merchant


class MerchantFilterSet(WagtailFilterSet):
    follow_up = django_filters.ChoiceFilter(
        label=_("Needs attention"),
        choices=[
            ("check_due", _("Monthly check due (last check over 30 days ago)")),
            ("agreement_ending", _("Agreement ends within 30 days")),
        ],
        method="filter_follow_up",
        empty_label=_("All merchants"),
    )

    class Meta:
        model = Merchant
        fields = ["category", "city", "status"]

    def filter_follow_up(self, queryset, name, value):
        today = timezone.localdate()
        if value == "check_due":
            return queryset.filter(pk__in=selectors.merchants_due_for_check(today=today))
        if value == "agreement_ending":
            return queryset.filter(pk__in=selectors.merchants_agreement_ending(today=today))
        return queryset


class MerchantViewSet(SnippetViewSet):
    model = Merchant
    icon = "site"
    menu_label = _("Merchants")
    menu_order = 210
    add_to_admin_menu = True
    list_display = [
        "name",
        "category",
        "city",
        "agreement_end",
        "qualification_checked_on",
        "status",
    ]
    filterset_class = MerchantFilterSet
    search_fields = ["name", "address"]
    ordering = ["name"]


register_snippet(MerchantViewSet)


class MerchantFollowUpPanel(Component):
    """On the /cms/ dashboard: how many merchants need their check or a new agreement."""

    name = "merchant_follow_up"
    order = 150
    template_name = "cms/admin/merchant_follow_up_panel.html"

    def get_context_data(self, parent_context=None):
        today = timezone.localdate()
        listing = reverse("wagtailsnippets_cms_merchant:list")
        check_due = selectors.merchants_due_for_check(today=today).count()
        agreement_ending = selectors.merchants_agreement_ending(today=today).count()
        return {
            "panel_attrs": {"data-testid": "merchant-follow-up"},
            "rows": [
                {
                    "key": "check_due",
                    "count": check_due,
                    "count_label": str(check_due),
                    "label": ngettext(
                        "%(counter)s merchant due for the monthly check",
                        "%(counter)s merchants due for the monthly check",
                        check_due,
                    )
                    % {"counter": check_due},
                    "url": f"{listing}?follow_up=check_due",
                },
                {
                    "key": "agreement_ending",
                    "count": agreement_ending,
                    "count_label": str(agreement_ending),
                    "label": ngettext(
                        "%(counter)s agreement ends within 30 days",
                        "%(counter)s agreements end within 30 days",
                        agreement_ending,
                    )
                    % {"counter": agreement_ending},
                    "url": f"{listing}?follow_up=agreement_ending",
                },
            ],
        }


@hooks.register("construct_homepage_panels")
def add_merchant_follow_up_panel(request, panels):
    if request.user.has_perm("cms.change_merchant"):
        panels.append(MerchantFollowUpPanel())
