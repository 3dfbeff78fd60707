from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.messaging.mail import mail_retry
from portal.messaging.models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """What waits to be sent and what failed (filter by status)."""

    list_display = ("created_at", "subject", "recipients", "status", "attempts",
                    "next_attempt_at", "short_error")  # fmt: skip
    list_filter = ("status",)
    search_fields = ("subject", "to")
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    readonly_fields = [f.name for f in OutgoingMail._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("to"))
    def recipients(self, obj):
        return ", ".join(obj.to)

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return obj.last_error[:80]

    @admin.action(description=_("Retry now"), permissions=["view"])
    def retry_now(self, request, queryset):
        count = mail_retry(mail_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(n)d mail will be sent again.", "%(n)d mails will be sent again.", count)
            % {"n": count},
            messages.SUCCESS,
        )
