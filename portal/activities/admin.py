from django.contrib import admin

from portal.activities.models import Circle, ExperienceSummary, Signup


@admin.register(Circle)
class CircleAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["members"]
    search_fields = ["name"]


@admin.register(Signup)
class SignupAdmin(admin.ModelAdmin):
    list_display = ["activity", "member", "companions", "status", "created_at", "checked_in_at"]
    list_filter = ["status", "no_show"]
    raw_id_fields = ["activity", "member", "signed_up_by", "checked_in_by"]
    readonly_fields = [
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "checked_in_at",
        "checked_in_by",
    ]

    def has_add_permission(self, request):
        # Sign-ups go through the services (capacity, waiting list, points holds).
        return False


@admin.register(ExperienceSummary)
class ExperienceSummaryAdmin(admin.ModelAdmin):
    list_display = ["activity", "cost", "written_by", "updated_at"]
    raw_id_fields = ["activity", "written_by"]
