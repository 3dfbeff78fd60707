"""machina's post and topic forms with the club's posting safety and private complaints."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms import modelformset_factory
from django.utils.translation import gettext_lazy as _
from machina.apps.forum_conversation.forms import PostForm as MachinaPostForm
from machina.apps.forum_conversation.forms import TopicForm as MachinaTopicForm
from machina.apps.forum_conversation.forum_attachments.forms import (
    AttachmentForm,
    BaseAttachmentFormset,
)
from machina.apps.forum_conversation.forum_attachments.models import Attachment
from machina.conf import settings as machina_settings

from forum.boards import posting
from forum.boards.models import Board, TopicVisibility


class SafePostingMixin:
    """Length cap and per-user rate limit, with the reason shown on the form.

    clean() only warns early; the view claims the posting slot atomically before saving
    (SafeAttachmentsMixin.form_valid)."""

    def clean_content(self):
        content = self.cleaned_data.get("content", "")
        error = posting.post_length_error(content=content)
        if error:
            raise forms.ValidationError(error)
        return content

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and self.user is not None:
            reason = posting.post_rate_limit_reason(user=self.user)
            if reason:
                raise forms.ValidationError(reason, code="rate_limited")
        return cleaned


class PostForm(SafePostingMixin, MachinaPostForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._was_update = bool(self.instance.pk)
        self.fields["content"].widget.attrs["maxlength"] = posting.POST_MAX_LENGTH


class TopicForm(SafePostingMixin, MachinaTopicForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._was_update = bool(self.instance.pk)
        self.fields["content"].widget.attrs["maxlength"] = posting.POST_MAX_LENGTH
        board = Board.objects.filter(forum=self.forum).first() if self.forum else None
        self._triage_board = bool(board is not None and board.is_triage and not self.instance.pk)
        if self._triage_board:
            self._add_case_fields()
        if board is not None and board.kind == Board.Kind.COMPLAINTS and not self.instance.pk:
            self.fields["staff_only"] = forms.BooleanField(
                label=_("Visible to staff only (仅工作人员可见)"),
                required=False,
                help_text=_(
                    "Only you, the moderators and the staff of the department handling it will "
                    "see this complaint."
                ),
            )

    def _add_case_fields(self):
        """The structured complaint form: unit, category, contact way and visit time."""
        from forum.cases.models import Case, Category
        from portal.members.models import HousingProject, UnitOwnership

        units = (
            list(
                UnitOwnership.objects.filter(
                    member=self.user, status=UnitOwnership.Status.VERIFIED
                ).select_related("project")
            )
            if self.user is not None and self.user.is_authenticated
            else []
        )
        self._units = {str(u.pk): u for u in units}
        if units:
            self.fields["case_unit"] = forms.ChoiceField(
                label=_("Housing project and unit"),
                choices=[("", "—")] + [(str(u.pk), str(u)) for u in units],
                initial=str(units[0].pk),
                required=False,
            )
        else:
            self.fields["case_project"] = forms.ModelChoiceField(
                label=_("Housing project"),
                queryset=HousingProject.objects.order_by("name"),
                required=False,
                empty_label=_("Not about a housing project"),
            )
        self.fields["case_category"] = forms.ModelChoiceField(
            label=_("Category"),
            queryset=Category.objects.filter(is_active=True),
            required=False,
            empty_label="—",
        )
        self.fields["case_contact_way"] = forms.ChoiceField(
            label=_("How should we contact you?"),
            choices=[("", "—")] + Case.ContactWay.choices,
            required=False,
        )
        self.fields["case_visit_time"] = forms.CharField(
            label=_("Preferred time for a visit"),
            max_length=100,
            required=False,
            help_text=_("For example: weekday evenings, Saturday morning."),
        )

    def save(self, commit=True):
        post = super().save(commit)
        if commit and self.cleaned_data.get("staff_only"):
            visibility = TopicVisibility(topic=post.topic, staff_only=True)
            visibility.full_clean()
            visibility.save()
        if commit and getattr(self, "_triage_board", False) and self.user is not None:
            from forum.cases.services import case_intake_record

            case_intake_record(
                topic=post.topic,
                member=self.user,
                ownership=self._units.get(self.cleaned_data.get("case_unit") or ""),
                project=self.cleaned_data.get("case_project"),
                category=self.cleaned_data.get("case_category"),
                contact_way=self.cleaned_data.get("case_contact_way") or "",
                visit_time=self.cleaned_data.get("case_visit_time") or "",
            )
        return post


class SafeAttachmentForm(AttachmentForm):
    """An attachment of an allowed type and size, refused with a clear message otherwise."""

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if isinstance(uploaded, UploadedFile):
            error = posting.attachment_error(uploaded=uploaded)
            if error:
                raise forms.ValidationError(error)
        return uploaded


SafeAttachmentFormset = modelformset_factory(
    Attachment,
    SafeAttachmentForm,
    formset=BaseAttachmentFormset,
    can_delete=True,
    extra=1,
    max_num=machina_settings.ATTACHMENT_MAX_FILES_PER_POST,
    validate_max=True,
)
