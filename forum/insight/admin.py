from django.contrib import admin

from forum.insight.models import (
    ImprovementEvent,
    ImprovementItem,
    InsightRun,
    RecurringIssue,
    ReportSubscription,
)


@admin.register(InsightRun)
class InsightRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "window_start", "window_end", "posts", "issues", "seconds")


@admin.register(RecurringIssue)
class RecurringIssueAdmin(admin.ModelAdmin):
    list_display = ("name", "project", "department", "post_count", "trend", "run")
    list_filter = ("trend", "department")
    raw_id_fields = ("run",)


class ImprovementEventInline(admin.TabularInline):
    model = ImprovementEvent
    extra = 0
    readonly_fields = ("actor", "from_status", "to_status", "reason", "created_at")


@admin.register(ImprovementItem)
class ImprovementItemAdmin(admin.ModelAdmin):
    list_display = ("title", "department", "project", "status", "due_date", "updated_at")
    list_filter = ("status", "department")
    raw_id_fields = ("topics", "cases")
    readonly_fields = ("status",)
    inlines = [ImprovementEventInline]


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "monthly_mail", "created_at")
