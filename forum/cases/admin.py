from django.contrib import admin

from forum.cases.models import (
    Case,
    CaseEvent,
    CaseFollowUp,
    Category,
    Department,
    OfficialReply,
    ReplyTemplate,
    RoutingModel,
    RoutingRule,
    SLAPolicy,
)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "staff_group", "contact_email", "is_active")
    list_editable = ("is_active",)
    filter_horizontal = ("heads",)


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "department", "order", "is_active")
    list_editable = ("order", "is_active")
    list_filter = ("department", "is_active")
    search_fields = ("name", "body")


@admin.register(CaseFollowUp)
class CaseFollowUpAdmin(admin.ModelAdmin):
    list_display = ("case", "kind", "created_at", "done_at", "done_by", "result")
    list_filter = ("kind", "result")
    raw_id_fields = ("case", "done_by")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "order", "is_active")
    list_editable = ("order", "is_active")


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "department", "category", "priority", "board", "project")
    list_editable = ("order",)
    list_filter = ("department", "is_active")
    list_select_related = ("department", "category", "board__forum", "project")


@admin.register(SLAPolicy)
class SLAPolicyAdmin(admin.ModelAdmin):
    list_display = ("priority", "first_response_hours", "resolution_hours")


@admin.register(RoutingModel)
class RoutingModelAdmin(admin.ModelAdmin):
    list_display = ("version", "trained_at", "examples", "labelled_cases", "held_out_accuracy")
    exclude = ("blob",)
    readonly_fields = ("version", "trained_at", "examples", "labelled_cases", "held_out_accuracy")

    def has_add_permission(self, request):
        return False


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    fields = ("created_at", "actor", "kind", "from_status", "to_status", "note")
    readonly_fields = fields
    can_delete = False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("topic", "type", "status", "department", "priority", "resolution_due")
    list_filter = ("status", "type", "department", "priority")
    list_select_related = ("topic", "department")
    raw_id_fields = ("topic", "assignee")
    readonly_fields = ("version", "suggestion_reasons", "routing_model_version")
    inlines = [CaseEventInline]


@admin.register(OfficialReply)
class OfficialReplyAdmin(admin.ModelAdmin):
    list_display = ("post", "department", "created_at")
    raw_id_fields = ("post", "case")
