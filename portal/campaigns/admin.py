from django.contrib import admin

from portal.campaigns.models import BirthdayGreeting, Campaign, Delivery, Segment


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ("name", "created_by", "updated_at")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    """Read-only here: campaigns are composed and approved on /campaigns/."""

    list_display = ("name", "kind", "status", "scheduled_at", "created_by", "approved_by")
    list_filter = ("status", "kind")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("campaign", "member", "channel", "status", "attempts", "sent_at", "error")
    list_filter = ("status", "channel")
    raw_id_fields = ("campaign", "member")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BirthdayGreeting)
class BirthdayGreetingAdmin(admin.ModelAdmin):
    """Staff find here the birthday gifts that could not be given (filter: gift out of stock)."""

    list_display = ("member", "year", "sent_at", "gift_item", "gift_status")
    list_filter = ("gift_status", "year")
    list_select_related = ("member", "gift_item")
    raw_id_fields = ("member", "gift_fulfilment")
    search_fields = ("member__username", "member__member_profile__member_number")
