from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.members.admin import RedemptionItemAdmin
from portal.members.models import RedemptionItem
from portal.rewards.models import (
    Fulfilment,
    FulfilmentStep,
    PlanLine,
    PointsGrant,
    PointsPlan,
    RewardOption,
    RewardOutlet,
)


@admin.register(RewardOutlet)
class RewardOutletAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "address", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "address")
    filter_horizontal = ("staff",)


class RewardOptionInline(admin.StackedInline):
    model = RewardOption
    can_delete = False
    filter_horizontal = ("outlets",)
    verbose_name_plural = _("How it reaches the member")


admin.site.unregister(RedemptionItem)


@admin.register(RedemptionItem)
class RewardItemAdmin(RedemptionItemAdmin):
    inlines = [RewardOptionInline]


class PlanLineInline(admin.TabularInline):
    model = PlanLine
    extra = 0
    fields = ("category", "budget", "issued", "note")
    readonly_fields = ("issued",)

    def get_readonly_fields(self, request, obj=None):
        # Raising a budget goes through the plan page, which logs who raised it and why.
        if obj is not None:
            return ("category", "budget", "issued")
        return self.readonly_fields


@admin.register(PointsPlan)
class PointsPlanAdmin(admin.ModelAdmin):
    list_display = ("year", "name", "point_value")
    inlines = [PlanLineInline]


class FulfilmentStepInline(admin.TabularInline):
    model = FulfilmentStep
    extra = 0
    can_delete = False
    readonly_fields = ("status", "actor", "note", "at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Fulfilment)
class FulfilmentAdmin(admin.ModelAdmin):
    """Read-only: the pipeline moves through the staff and outlet pages."""

    list_display = ("created_at", "request", "method", "status", "outlet", "fulfilled_at")
    list_filter = ("status", "method", "outlet")
    list_select_related = ("request__member", "request__item", "outlet")
    inlines = [FulfilmentStepInline]
    exclude = ("recipient_name", "recipient_mobile", "address", "code")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PointsGrant)
class PointsGrantAdmin(admin.ModelAdmin):
    """Read-only: grants are made, approved and reversed on the grants page."""

    list_display = ("created_at", "reason", "line", "reward_points", "status", "created_by")
    list_filter = ("status", "line__plan")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
