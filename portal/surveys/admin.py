"""Administrators create owners' votes and keep the unit register (floor areas) here."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.surveys.models import OwnersVote, UnitArea, VoteOption
from portal.surveys.services import owners_vote_register_units, owners_vote_remind


@admin.register(UnitArea)
class UnitAreaAdmin(admin.ModelAdmin):
    list_display = ["project", "building", "unit", "area"]
    list_filter = ["project"]
    search_fields = ["building", "unit"]


class VoteOptionInline(admin.TabularInline):
    model = VoteOption
    extra = 3


class OwnersVoteForm(forms.ModelForm):
    class Meta:
        model = OwnersVote
        fields = [
            "project",
            "buildings",
            "title",
            "description",
            "opens_at",
            "closes_at",
            "rule",
            "weighted_by_area",
            "open_ballot",
        ]

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and data.get("project"):
            vote = OwnersVote(project=data["project"], buildings=data.get("buildings") or "")
            register = UnitArea.objects.filter(project=vote.project)
            if vote.building_list:
                register = register.filter(building__in=vote.building_list)
            if not register.exists():
                raise ValidationError(
                    _("The register has no units for this project and these buildings.")
                )
        return data


@admin.register(OwnersVote)
class OwnersVoteAdmin(admin.ModelAdmin):
    form = OwnersVoteForm
    list_display = ["title", "project", "opens_at", "closes_at", "rule"]
    list_filter = ["project", "rule"]
    inlines = [VoteOptionInline]
    actions = ["remind_owners"]

    def get_readonly_fields(self, request, obj=None):
        # The rules and the register are fixed once the vote exists.
        if obj is not None:
            return ["project", "buildings", "rule", "weighted_by_area", "open_ballot", "opens_at"]
        return []

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            count = owners_vote_register_units(vote=obj)
            self.message_user(request, _("%(n)d units may vote.") % {"n": count})

    @admin.action(description=gettext_lazy("Remind owners whose unit has not voted"))
    def remind_owners(self, request, queryset):
        sent = sum(owners_vote_remind(vote=vote) for vote in queryset)
        self.message_user(request, _("%(n)d owners reminded.") % {"n": sent})
