from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Department(models.Model):
    """A department that answers cases: design, engineering, property management, …"""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    staff_group = models.OneToOneField(
        Group,
        verbose_name=_("staff group"),
        on_delete=models.PROTECT,
        related_name="department",
        help_text=_("Members of this group see and answer the department's cases."),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    heads = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("department heads"),
        blank=True,
        related_name="headed_departments",
        help_text=_("They see the department's queue, report and SLA figures and assign owners."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name

    def members(self):
        """Who works on the department's cases: its staff group and its heads (active ones)."""
        from django.contrib.auth import get_user_model

        # The users by primary key among the staff and heads (one IN over the UNION of two small
        # indexed reads, one query): as an OR over the whole user table (outer joins with
        # DISTINCT, or two IN subqueries) PostgreSQL filtered every member, 25–60 ms at 20,000
        # members.
        user_model = get_user_model()
        staff = user_model.groups.through.objects.filter(group_id=self.staff_group_id)
        heads = self.heads.through.objects.filter(department_id=self.pk)
        ids = staff.values("user_id").union(heads.values("user_id"))
        return user_model.objects.filter(pk__in=ids, is_active=True).order_by("username")


class Category(models.Model):
    """A small editable taxonomy of what a case is about (房屋质量, 规划设计, 物业服务, …)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Priority(models.IntegerChoices):
    P1 = 1, _("P1 urgent")
    P2 = 2, _("P2 high")
    P3 = 3, _("P3 normal")
    P4 = 4, _("P4 low")


class InvalidStatusChange(Exception):
    """A move the case pipeline does not allow (e.g. 新建 → 已解决)."""


# Open statuses by value, for the queue's partial index (Case.OPEN_STATUSES is the same list).
OPEN_STATUS_VALUES = ("new", "assigned", "in_progress", "awaiting_member")


def case_due_expression() -> models.Case:
    """When a case is next due: its first response until there is one, then its resolution.

    The triage queue orders by this; the same expression is indexed (over open cases), so the
    queue's first page walks the index instead of sorting every open case.
    """
    return models.Case(
        models.When(first_response_at__isnull=True, then=models.F("first_response_due")),
        default=models.F("resolution_due"),
        output_field=models.DateTimeField(),
    )


class Case(models.Model):
    """A complaint or suggestion (or any topic a moderator opens one on), to be answered."""

    class Type(models.TextChoices):
        COMPLAINT = "complaint", pgettext_lazy("case type", "Complaint")
        SUGGESTION = "suggestion", pgettext_lazy("case type", "Suggestion")
        INQUIRY = "inquiry", pgettext_lazy("case type", "Inquiry")

    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("case status", "New")
        ASSIGNED = "assigned", pgettext_lazy("case status", "Assigned")
        IN_PROGRESS = "in_progress", pgettext_lazy("case status", "In progress")
        AWAITING_MEMBER = (
            "awaiting_member",
            pgettext_lazy("case status", "Awaiting member confirmation"),
        )
        RESOLVED = "resolved", pgettext_lazy("case status", "Resolved")
        CLOSED = "closed", pgettext_lazy("case status", "Closed")

    # The pipeline: where a case may go from each status. Back to NEW is "hand back to triage";
    # RESOLVED/CLOSED → IN_PROGRESS is a reopen.
    PIPELINE = {
        Status.NEW: {Status.ASSIGNED, Status.CLOSED},
        Status.ASSIGNED: {
            Status.NEW,
            Status.IN_PROGRESS,
            Status.AWAITING_MEMBER,
            Status.RESOLVED,
            Status.CLOSED,
        },
        Status.IN_PROGRESS: {Status.NEW, Status.AWAITING_MEMBER, Status.RESOLVED},
        Status.AWAITING_MEMBER: {Status.IN_PROGRESS, Status.RESOLVED},
        Status.RESOLVED: {Status.CLOSED, Status.IN_PROGRESS},
        Status.CLOSED: {Status.IN_PROGRESS},
    }
    OPEN_STATUSES = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.AWAITING_MEMBER)

    class Channel(models.TextChoices):
        FORUM = "forum", pgettext_lazy("case channel", "Forum")
        PHONE = "phone", pgettext_lazy("case channel", "Phone call")
        WALK_IN = "walk_in", pgettext_lazy("case channel", "Walk-in")
        WECHAT = "wechat", pgettext_lazy("case channel", "WeChat")
        EMAIL = "email", pgettext_lazy("case channel", "Email")

    class ContactWay(models.TextChoices):
        PHONE = "phone", pgettext_lazy("contact way", "Phone call")
        SMS = "sms", pgettext_lazy("contact way", "SMS")
        EMAIL = "email", pgettext_lazy("contact way", "Email")
        SITE = "site", pgettext_lazy("contact way", "Site message")

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", pgettext_lazy("suggestion outcome", "Adopted")
        DECLINED = "declined", pgettext_lazy("suggestion outcome", "Not adopted for now")
        IMPLEMENTED = "implemented", pgettext_lazy("suggestion outcome", "Implemented")

    topic = models.OneToOneField(
        "forum_conversation.Topic",
        verbose_name=_("topic"),
        on_delete=models.CASCADE,
        related_name="case",
    )
    type = models.CharField(
        _("type"), max_length=12, choices=Type.choices, default=Type.COMPLAINT, db_index=True
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    project = models.ForeignKey(
        "portal.HousingProject",
        verbose_name=_("housing project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.P3, db_index=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW, db_index=True
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.FORUM
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases_on_behalf",
        help_text=_("The member a case opened by the service desk is for."),
    )
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    contact_way = models.CharField(
        _("how to contact"), max_length=10, choices=ContactWay.choices, blank=True
    )
    visit_time = models.CharField(_("preferred time for a visit"), max_length=100, blank=True)
    outcome = models.CharField(
        _("suggestion outcome"), max_length=12, choices=Outcome.choices, blank=True
    )
    outcome_reason = models.CharField(_("reason for the outcome"), max_length=500, blank=True)
    awaiting_member_since = models.DateTimeField(
        _("awaiting the member since"), null=True, blank=True
    )
    rating_link_used_at = models.DateTimeField(_("rating link used at"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True, db_index=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    satisfaction_comment = models.CharField(_("satisfaction comment"), max_length=500, blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Optimistic lock: bumped on every change.")
    )
    # What the router suggested, and why.
    suggested_department = models.ForeignKey(
        Department,
        verbose_name=_("suggested department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    suggested_category = models.ForeignKey(
        Category,
        verbose_name=_("suggested category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    suggested_priority = models.PositiveSmallIntegerField(
        _("suggested priority"), choices=Priority.choices, null=True, blank=True
    )
    suggestion_confidence = models.FloatField(_("confidence"), null=True, blank=True)
    suggestion_reasons = models.JSONField(_("reasons"), default=list, blank=True)
    routing_model_version = models.PositiveIntegerField(
        _("routing model version"), null=True, blank=True
    )
    routed_at = models.DateTimeField(_("routed at"), null=True, blank=True)
    # A moderator's confirmation or override: a training label for the classifier.
    labelled_department = models.ForeignKey(
        Department,
        verbose_name=_("department decided by a moderator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        permissions = [
            ("service_desk", _("Can open cases on a member's behalf and look members up")),
        ]
        indexes = [
            models.Index(fields=["status", "department"], name="case_status_dept"),
            models.Index(
                case_due_expression(),
                "id",
                name="case_open_due",
                condition=models.Q(status__in=OPEN_STATUS_VALUES),
            ),
        ]

    def __str__(self) -> str:
        return str(self.topic)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def member_id_for_case(self) -> int | None:
        """Whose case it is: the member a service-desk case is for, else the topic's poster."""
        return self.member_id or self.topic.poster_id

    @property
    def awaits_triage(self) -> bool:
        return self.status == self.Status.NEW

    def can_move_to(self, status: str) -> bool:
        return status in self.PIPELINE.get(self.status, set())

    def set_status(self, status: str) -> None:
        """Move along the pipeline; raise InvalidStatusChange on a move it does not allow."""
        if not self.can_move_to(status):
            raise InvalidStatusChange(
                _("A case cannot move from “%(old)s” to “%(new)s”.")
                % {
                    "old": self.Status(self.status).label,
                    "new": self.Status(status).label if status in self.Status else status,
                }
            )
        self.status = status

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        return bool(self.is_open and self.current_due and self.current_due < now)

    @property
    def current_due(self):
        """What is due next: the first response until there is one, then the resolution."""
        if self.first_response_at is None and self.first_response_due:
            return min(self.first_response_due, self.resolution_due or self.first_response_due)
        return self.resolution_due


class CaseEvent(models.Model):
    """The log of every change to a case: who, what, when and why."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        SUGGESTED = "suggested", _("Routing suggested")
        ROUTED = "routed", _("Routed")
        ROUTING_FAILED = "routing_failed", _("Routing failed")
        CONFIRMED = "confirmed", _("Suggestion confirmed")
        OVERRIDDEN = "overridden", _("Suggestion overridden")
        ASSIGNED = "assigned", _("Assignee set")
        STATUS = "status", _("Status changed")
        REPLIED = "replied", _("Official reply")
        HANDED_BACK = "handed_back", _("Handed back to triage")
        RATED = "rated", _("Rated")
        MEMBER_CONFIRMED = "member_confirmed", _("Confirmed resolved by the member")
        MEMBER_REJECTED = "member_rejected", _("Member says not resolved")
        REOPENED = "reopened", _("Reopened by the member")
        AUTO_CLOSED = "auto_closed", _("Resolved without the member's answer")
        HANDED_OVER = "handed_over", _("Owner changed")
        FOLLOW_UP = "follow_up", _("Follow-up")
        OUTCOME = "outcome", _("Suggestion outcome")
        SLA_WARNING = "sla_warning", _("Due soon")
        SLA_ESCALATION = "sla_escalation", _("Overdue, escalated")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class OfficialReply(models.Model):
    """A post in the case's topic written by department staff on the department's behalf."""

    post = models.OneToOneField(
        "forum_conversation.Post",
        verbose_name=_("post"),
        on_delete=models.CASCADE,
        related_name="official_reply",
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="official_replies"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("official reply")
        verbose_name_plural = _("official replies")

    def __str__(self) -> str:
        return f"{self.department}: {self.post_id}"


class RoutingRule(models.Model):
    """An administrator's rule: matching keywords or a pattern route a case, before the model."""

    name = models.CharField(_("name"), max_length=80)
    keywords = models.TextField(
        _("keywords"), blank=True, help_text=_("One per line; any of them matches.")
    )
    pattern = models.CharField(
        _("regular expression"), max_length=300, blank=True, help_text=_("Python syntax.")
    )
    board = models.ForeignKey(
        "boards.Board",
        verbose_name=_("only in board"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    project = models.ForeignKey(
        "portal.HousingProject",
        verbose_name=_("only for housing project"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, null=True, blank=True
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.replace(",", "\n").splitlines() if k.strip()]

    def clean(self):
        import re

        if not self.keyword_list and not self.pattern:
            raise ValidationError(_("Give keywords, a pattern or both."))
        if self.pattern:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValidationError({"pattern": str(exc)}) from exc


class RoutingModel(models.Model):
    """A trained text classifier, versioned; the newest version routes."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    blob = models.BinaryField(_("model"))
    trained_at = models.DateTimeField(_("trained at"), default=timezone.now)
    examples = models.PositiveIntegerField(_("training examples"), default=0)
    labelled_cases = models.PositiveIntegerField(_("moderator labels"), default=0)
    held_out_accuracy = models.FloatField(_("held-out accuracy"), null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("routing model")
        verbose_name_plural = _("routing models")

    def __str__(self) -> str:
        return f"v{self.version}"


class SLAPolicy(models.Model):
    """Promised times per priority, counted from the post's creation."""

    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, unique=True
    )
    first_response_hours = models.PositiveIntegerField(_("first response within (hours)"))
    resolution_hours = models.PositiveIntegerField(_("resolution within (hours)"))

    DEFAULTS = {1: (24, 24), 2: (24, 72), 3: (24, 168), 4: (24, 360)}

    class Meta:
        ordering = ["priority"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return Priority(self.priority).label

    @property
    def first_response(self) -> timedelta:
        return timedelta(hours=self.first_response_hours)

    @property
    def resolution(self) -> timedelta:
        return timedelta(hours=self.resolution_hours)


class SLAAlert(models.Model):
    """One warning or escalation sent for a case; unique per kind so the tick is idempotent."""

    class Kind(models.TextChoices):
        FIRST_RESPONSE_SOON = "first_response_soon", _("First response due soon")
        RESOLUTION_SOON = "resolution_soon", _("Resolution due soon")
        FIRST_RESPONSE_OVERDUE = "first_response_overdue", _("First response overdue")
        RESOLUTION_OVERDUE = "resolution_overdue", _("Resolution overdue")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="sla_alerts"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("SLA alert")
        verbose_name_plural = _("SLA alerts")
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="one_sla_alert_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class CaseNote(models.Model):
    """An internal note on a case: staff only, never on the topic, in search or to the member."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    body = models.TextField(_("note"), max_length=2000)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("mentioned"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.body[:40]}"


class ReplyTemplate(models.Model):
    """A department's prepared answer (macro), with placeholders filled in for the case."""

    PLACEHOLDERS = ("{member}", "{case}", "{due}", "{department}")

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reply_templates",
        help_text=_("Empty: offered to every department."),
    )
    name = models.CharField(_("name"), max_length=80)
    body = models.TextField(
        _("text"),
        max_length=4000,
        help_text=_("Placeholders: {member}, {case}, {due}, {department}."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")

    def __str__(self) -> str:
        return self.name


class CaseFollowUp(models.Model):
    """Staff work after a case: a 回访 call after resolution, or a follow-up on a low rating."""

    class Kind(models.TextChoices):
        CALLBACK = "callback", _("Follow-up call")
        LOW_RATING = "low_rating", _("Low rating follow-up")

    class Result(models.TextChoices):
        SATISFIED = "satisfied", _("Member satisfied")
        NOT_SATISFIED = "not_satisfied", _("Member not satisfied")
        UNREACHABLE = "unreachable", _("Could not reach the member")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, db_index=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["done_at", "created_at", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=models.Q(done_at__isnull=True),
                name="one_open_follow_up_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class DepartmentAlertPreference(models.Model):
    """How a department's staff member hears of a new case routed to the department.

    Without a row both are on: new cases are the department's work, so staff hear of them unless
    they say otherwise.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="department_alert_preference",
    )
    on_site = models.BooleanField(_("tell me on the site about new cases"), default=True)
    by_email = models.BooleanField(_("email me about new cases"), default=True)

    class Meta:
        verbose_name = _("new-case alert preference")
        verbose_name_plural = _("new-case alert preferences")

    def __str__(self) -> str:
        return str(self.user)
