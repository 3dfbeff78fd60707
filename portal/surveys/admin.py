"""Administrators create owners' votes and keep the unit register (floor areas) here."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.surveys.models import OwnersVote, UnitArea, VoteOption
from portal.surveys.services import SurveyError, owners_vote_register_units, owners_vote_remind


@admin.register(UnitArea)
class UnitAreaAdmin(admin.ModelAdmin):
    list_display = ["project", "building", "unit", "area"]
    list_filter = ["project"]
    search_fields = ["building", "unit"]


class VoteOptionInline(admin.TabularInline):
    model = VoteOption
    extra = 3


@admin.register(OwnersVote)
class OwnersVoteAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "opens_at", "closes_at", "rule"]
    list_filter = ["project", "rule"]
    inlines = [VoteOptionInline]
    actions = ["remind_owners"]
    exclude = ["created_by"]

    def get_readonly_fields(self, request, obj=None):
        # The rules and the register are fixed once the vote exists.
        if obj is not None:
            return ["project", "buildings", "rule", "weighted_by_area", "open_ballot", "opens_at"]
        return []

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            try:
                count = owners_vote_register_units(vote=obj)
            except SurveyError as error:
                transaction.set_rollback(True)
                self.message_user(request, error.message, messages.ERROR)
                return
        self.message_user(request, _("%(n)d units may vote.") % {"n": count})

    @admin.action(description=gettext_lazy("Remind owners whose unit has not voted"))
    def remind_owners(self, request, queryset):
        sent = sum(owners_vote_remind(vote=vote) for vote in queryset)
        self.message_user(request, _("%(n)d owners reminded.") % {"n": sent})
