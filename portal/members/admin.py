from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.members.events import points_event_choices
from portal.members.models import (
    HousingProject,
    MemberLevel,
    MemberProfile,
    PiiAccessLog,
    PointsEntry,
    PointsRule,
    RedemptionItem,
    RedemptionRequest,
    UnitOwnership,
    User,
    VerifierCity,
)
from portal.members.selectors import ownership_claims_decidable
from portal.members.services import housing_project_ensure, unit_ownership_verify


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

    @admin.action(description=_("Verify the selected ownership claims"), permissions=["verify"])
    def verify_selected(self, request, queryset):
        count = 0
        decidable = ownership_claims_decidable(verifier=request.user)
        for ownership in queryset.filter(pk__in=decidable.values("pk")).select_related(
            "member", "project__owners_group"
        ):
            unit_ownership_verify(ownership=ownership, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d ownership verified.", "%(count)d ownerships verified.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def has_verify_permission(self, request):
        return request.user.has_perm("portal.verify_unitownership")


@admin.register(MemberProfile)
class MemberProfileAdmin(admin.ModelAdmin):
    list_display = ("member_number", "user", "level", "city", "created_at")
    list_filter = ("level", "city")
    search_fields = ("member_number", "user__username", "user__display_name")
    list_select_related = ("user", "level")
    # Personal data is read and changed in the staff pages, where every view is logged.
    fields = (
        "user",
        "member_number",
        "level",
        "card_serial",
        "card_issued_at",
        "city",
        "deletion_requested_at",
        "anonymised_at",
    )
    readonly_fields = (
        "user",
        "member_number",
        "card_serial",
        "card_issued_at",
        "deletion_requested_at",
        "anonymised_at",
    )

    def has_add_permission(self, request):
        return False


class PointsRuleForm(forms.ModelForm):
    class Meta:
        model = PointsRule
        fields = (
            "event",
            "code",
            "name",
            "description",
            "active",
            "reward_points",
            "upgrade_points",
            "category",
            "levels",
            "projects",
            "window_start",
            "window_end",
            "active_from",
            "active_until",
            "max_times",
            "cap_period",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The registry is filled in the apps' ready(), so the choices are read per form.
        self.fields["event"] = forms.ChoiceField(
            label=_("event"),
            choices=[("", "---------"), *points_event_choices()],
            help_text=_("What the member does; the parts of the site declare their events."),
        )


@admin.register(PointsRule)
class PointsRuleAdmin(admin.ModelAdmin):
    """Rules pay from the moment they are saved; an event nobody reports cannot be chosen."""

    form = PointsRuleForm
    list_display = (
        "code",
        "name",
        "event",
        "reward_points",
        "upgrade_points",
        "category",
        "active",
        "active_from",
        "active_until",
    )
    list_filter = ("event", "category", "active")
    search_fields = ("code", "name")
    filter_horizontal = ("levels", "projects")
    fieldsets = (
        (None, {"fields": ("event", "code", "name", "description", "active")}),
        (_("Points"), {"fields": ("reward_points", "upgrade_points", "category")}),
        (
            _("Conditions"),
            {
                "fields": (
                    "levels",
                    "projects",
                    ("window_start", "window_end"),
                    ("active_from", "active_until"),
                    ("max_times", "cap_period"),
                )
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        # The code is part of every payment's idempotency key: renaming would pay again.
        return ("code",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.entries.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(PointsEntry)
class PointsEntryAdmin(admin.ModelAdmin):
    """Read-only: entries are immutable; grants go through the staff member page."""

    list_display = ("created_at", "member", "ledger", "amount", "category", "reason")
    list_filter = ("ledger", "category", "rule")
    search_fields = ("member__username", "reason", "source_key")
    list_select_related = ("member",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RedemptionItem)
class RedemptionItemAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "merchant", "points_cost", "stock", "active")
    list_filter = ("kind", "active")
    list_editable = ("stock", "active")


@admin.register(RedemptionRequest)
class RedemptionRequestAdmin(admin.ModelAdmin):
    list_display = ("created_at", "member", "item", "points_cost", "status", "decided_by")
    list_filter = ("status",)
    list_select_related = ("member", "item", "decided_by")
    readonly_fields = (
        "member",
        "item",
        "points_cost",
        "status",
        "decided_by",
        "decided_at",
        "reject_reason",
    )


@admin.register(PiiAccessLog)
class PiiAccessLogAdmin(admin.ModelAdmin):
    list_display = ("at", "staff", "member", "what")
    list_select_related = ("staff", "member")
    search_fields = ("staff__username", "member__username", "what")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MemberLevel)
class MemberLevelAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "rank",
        "upgrade_points_threshold",
        "yearly_retention_points",
        "birthday_gift",
    )
    list_editable = ("upgrade_points_threshold", "yearly_retention_points")
    list_select_related = ("birthday_gift",)


@admin.register(VerifierCity)
class VerifierCityAdmin(admin.ModelAdmin):
    list_display = ("user", "city")
    list_filter = ("city",)
    search_fields = ("user__username", "city")
    autocomplete_fields = ("user",)
