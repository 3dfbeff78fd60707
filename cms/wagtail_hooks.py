"""The merchant snippet's admin listing, with the staff's follow-up filters."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
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
