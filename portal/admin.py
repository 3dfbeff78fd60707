from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.models import HousingProject, UnitOwnership, User
from portal.services import housing_project_ensure, unit_ownership_verify


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Club"), {"fields": ("display_name",)}),)
    list_display = ("username", "display_name", "email", "is_staff", "date_joined")
    search_fields = ("username", "display_name", "email")


@admin.register(HousingProject)
class HousingProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "phases", "created_at")
    list_filter = ("city",)
    search_fields = ("name", "city")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "city", "phases")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = housing_project_ensure(
            name=obj.name, slug=obj.slug, city=obj.city, phases=obj.phases
        )
        obj.pk = created.pk
        obj.owners_group = created.owners_group


@admin.register(UnitOwnership)
class UnitOwnershipAdmin(admin.ModelAdmin):
    list_display = ("member", "project", "building", "unit", "status", "decided_by", "decided_at")
    list_filter = ("status", "project")
    search_fields = ("member__username", "member__email", "building", "unit")
    autocomplete_fields = ("member",)
    readonly_fields = ("status", "decided_by", "decided_at", "reject_reason")
    actions = ["verify_selected"]

    @admin.action(description=_("Verify the selected ownership claims"), permissions=["change"])
    def verify_selected(self, request, queryset):
        count = 0
        for ownership in queryset.select_related("member", "project__owners_group"):
            unit_ownership_verify(ownership=ownership, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d ownership verified.", "%(count)d ownerships verified.", count)
            % {"count": count},
            messages.SUCCESS,
        )
