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
        if board is not None and board.kind == Board.Kind.COMPLAINTS and not self.instance.pk:
            self.fields["staff_only"] = forms.BooleanField(
                label=_("Visible to staff only (仅工作人员可见)"),
                required=False,
                help_text=_(
                    "Only you, the moderators and the staff of the department handling it will "
                    "see this complaint."
                ),
            )

    def save(self, commit=True):
        post = super().save(commit)
        if commit and self.cleaned_data.get("staff_only"):
            visibility = TopicVisibility(topic=post.topic, staff_only=True)
            visibility.full_clean()
            visibility.save()
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
