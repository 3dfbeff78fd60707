from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Board(models.Model):
    """What a machina forum is for in the club: its kind and, for owners' boards, its project."""

    class Kind(models.TextChoices):
        OWNERS = "owners", _("Owners' board")
        MUTUAL_HELP = "mutual_help", _("Mutual help")
        COMPLAINTS = "complaints", _("Complaints")
        SUGGESTIONS = "suggestions", _("Suggestions")
        OFFERS = "offers", _("Offers and activities")
        COMMUNITY = "community", _("Community")

    TRIAGE_KINDS = frozenset({Kind.COMPLAINTS, Kind.SUGGESTIONS})

    forum = models.OneToOneField(
        "forum.Forum", verbose_name=_("forum"), on_delete=models.CASCADE, related_name="board"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    project = models.OneToOneField(
        "portal.HousingProject",
        verbose_name=_("housing project"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="owners_board",
    )

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=~models.Q(kind="owners"),
                name="one_board_per_public_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="owners", project__isnull=False)
                | (~models.Q(kind="owners") & models.Q(project__isnull=True)),
                name="owners_board_has_project",
            ),
        ]

    def __str__(self) -> str:
        return str(self.forum)

    @property
    def is_triage(self) -> bool:
        return self.kind in self.TRIAGE_KINDS


class TopicVisibility(models.Model):
    """Who may see a topic beyond its board's permissions.

    A staff-only topic (a private complaint, 仅工作人员可见) is visible only to its author,
    moderators and the staff of the department its case is routed to. Topics without a row are
    visible to whoever may read their board.
    """

    topic = models.OneToOneField(
        "forum_conversation.Topic",
        verbose_name=_("topic"),
        on_delete=models.CASCADE,
        related_name="visibility",
    )
    staff_only = models.BooleanField(_("visible to staff only"), default=False, db_index=True)

    class Meta:
        verbose_name = _("topic visibility")
        verbose_name_plural = _("topic visibilities")

    def __str__(self) -> str:
        return f"{self.topic_id}: {'staff only' if self.staff_only else 'board'}"


class AcceptedAnswer(models.Model):
    """The reply that solved a mutual-help question (已解决), chosen by its author or moderator."""

    topic = models.OneToOneField(
        "forum_conversation.Topic",
        verbose_name=_("topic"),
        on_delete=models.CASCADE,
        related_name="accepted_answer",
    )
    post = models.OneToOneField(
        "forum_conversation.Post",
        verbose_name=_("post"),
        on_delete=models.CASCADE,
        related_name="accepted_for",
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)

    class Meta:
        verbose_name = _("accepted answer")
        verbose_name_plural = _("accepted answers")

    def __str__(self) -> str:
        return f"{self.topic_id}: {self.post_id}"

    def clean(self):
        if self.post.topic_id != self.topic_id:
            raise ValidationError(_("The accepted answer must be a reply in the same topic."))


class PostReport(models.Model):
    """A member's report of a post, waiting in the moderators' queue."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Abuse or harassment")
        PRIVACY = "privacy", _("Reveals private information")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DISMISSED = "dismissed", _("Dismissed")
        ACTED = "acted", _("Acted on")

    class Action(models.TextChoices):
        HIDE = "hide", _("Hide the post")
        EDIT = "edit", _("Edit the post")
        LOCK = "lock", _("Lock the topic")
        WARN = "warn", _("Warn the author")

    post = models.ForeignKey(
        "forum_conversation.Post",
        verbose_name=_("post"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        on_delete=models.CASCADE,
        related_name="post_reports",
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("post report")
        verbose_name_plural = _("post reports")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=models.Q(status="open"),
                name="one_open_report_per_reporter",
            )
        ]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.reason}"


class Notification(models.Model):
    """An on-site notification: a reply in a subscribed topic, or a moderator's warning."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("New reply")
        WARNING = "warning", _("Moderator warning")
        CASE = "case", _("Case update")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="forum_notifications",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    topic = models.ForeignKey(
        "forum_conversation.Topic",
        verbose_name=_("topic"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    post = models.ForeignKey(
        "forum_conversation.Post",
        verbose_name=_("post"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    message = models.CharField(_("message"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.kind}"


class NotificationPreference(models.Model):
    """Whether a member also wants an email for each on-site notification."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="forum_notification_preference",
    )
    email_on_reply = models.BooleanField(
        _("email me about replies"),
        default=False,
        help_text=_("Also send an email when someone replies in a topic I follow."),
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)
