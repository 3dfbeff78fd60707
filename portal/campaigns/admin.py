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
    list_display = ("member", "year", "sent_at")
    raw_id_fields = ("member",)
