from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InsightRun(models.Model):
    """One pass of the grouping over a window of recent posts; its issues belong to it."""

    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True, db_index=True)
    window_start = models.DateTimeField(_("window start"))
    window_end = models.DateTimeField(_("window end"))
    posts = models.PositiveIntegerField(_("posts read"), default=0)
    issues = models.PositiveIntegerField(_("recurring issues"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("recurring-issue run")
        verbose_name_plural = _("recurring-issue runs")

    def __str__(self) -> str:
        return f"{self.window_start:%Y-%m-%d}–{self.window_end:%Y-%m-%d}"


class RecurringIssue(models.Model):
    """Posts about one thing in one housing project, named by the phrase members use for it."""

    class Trend(models.TextChoices):
        RISING = "rising", pgettext_lazy("trend", "Rising")
        STEADY = "steady", pgettext_lazy("trend", "Steady")
        FALLING = "falling", pgettext_lazy("trend", "Falling")
        NEW = "new", pgettext_lazy("trend", "New")

    run = models.ForeignKey(
        InsightRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="recurring_issues"
    )
    name = models.CharField(_("name"), max_length=80)
    key = models.CharField(
        _("key"),
        max_length=200,
        db_index=True,
        help_text=_("Project, department and name: finds the same issue in an earlier run."),
    )
    project = models.ForeignKey(
        "portal.HousingProject",
        verbose_name=_("housing project"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    department = models.ForeignKey(
        "cases.Department",
        verbose_name=_("department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    category = models.ForeignKey(
        "cases.Category",
        verbose_name=_("category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    terms = models.JSONField(_("strongest terms"), default=list, blank=True)
    post_count = models.PositiveIntegerField(_("posts"), default=0, db_index=True)
    topic_count = models.PositiveIntegerField(_("topics"), default=0)
    member_count = models.PositiveIntegerField(_("members"), default=0)
    recent_count = models.PositiveIntegerField(_("posts in the last 30 days"), default=0)
    previous_count = models.PositiveIntegerField(_("posts in the 30 days before"), default=0)
    trend = models.CharField(_("trend"), max_length=8, choices=Trend.choices, default=Trend.NEW)
    weekly_counts = models.JSONField(_("posts per week"), default=list, blank=True)
    monthly_counts = models.JSONField(_("posts per month"), default=dict, blank=True)
    units = models.JSONField(_("units"), default=list, blank=True)
    case_count = models.PositiveIntegerField(_("cases"), default=0)
    case_share = models.FloatField(_("share of topics that became cases"), null=True, blank=True)
    first_response_sla_share = models.FloatField(
        _("first response within SLA"), null=True, blank=True
    )
    resolution_sla_share = models.FloatField(_("resolution within SLA"), null=True, blank=True)
    satisfaction_average = models.FloatField(_("satisfaction average"), null=True, blank=True)
    example_post_ids = models.JSONField(_("strongest example posts"), default=list, blank=True)
    post_ids = models.JSONField(_("posts"), default=list, blank=True)
    topic_ids = models.JSONField(_("topics"), default=list, blank=True)
    case_ids = models.JSONField(_("cases"), default=list, blank=True)
    previous_month_count = models.PositiveIntegerField(
        _("posts in the run a month before"), null=True, blank=True
    )

    class Meta:
        ordering = ["-post_count", "pk"]
        verbose_name = _("recurring issue")
        verbose_name_plural = _("recurring issues")

    def __str__(self) -> str:
        return self.name

    @property
    def movement(self) -> int | None:
        """Posts now minus posts in the run a month before (None: the issue is new)."""
        if self.previous_month_count is None:
            return None
        return self.post_count - self.previous_month_count


class ImprovementItem(models.Model):
    """An entry of the improvement list (改进清单): what a department will change, and why."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("improvement status", "Proposed")
        EVALUATING = "evaluating", pgettext_lazy("improvement status", "Under evaluation")
        ADOPTED = "adopted", pgettext_lazy("improvement status", "Adopted")
        IMPLEMENTED = "implemented", pgettext_lazy("improvement status", "Implemented")
        DECLINED = "declined", pgettext_lazy("improvement status", "Not adopted")

    PIPELINE = {
        Status.PROPOSED: {Status.EVALUATING, Status.ADOPTED, Status.DECLINED},
        Status.EVALUATING: {Status.ADOPTED, Status.DECLINED},
        Status.ADOPTED: {Status.IMPLEMENTED, Status.EVALUATING},
        Status.DECLINED: {Status.EVALUATING},
        Status.IMPLEMENTED: set(),
    }
    # The moves members hear about: their feedback was taken up, or put into practice.
    MEMBER_NEWS = (Status.ADOPTED, Status.IMPLEMENTED)

    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    department = models.ForeignKey(
        "cases.Department",
        verbose_name=_("owning department"),
        on_delete=models.PROTECT,
        related_name="improvement_items",
    )
    project = models.ForeignKey(
        "portal.HousingProject",
        verbose_name=_("housing project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: for future projects, or all of them."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    source_issue_name = models.CharField(_("from the recurring issue"), max_length=80, blank=True)
    topics = models.ManyToManyField(
        "forum_conversation.Topic", verbose_name=_("linked topics"), blank=True, related_name="+"
    )
    cases = models.ManyToManyField(
        "cases.Case", verbose_name=_("linked cases"), blank=True, related_name="improvement_items"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("improvement item")
        verbose_name_plural = _("improvement items")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PROPOSED, self.Status.EVALUATING, self.Status.ADOPTED)

    def can_move_to(self, status: str) -> bool:
        return status in self.PIPELINE.get(self.status, set())

    def set_status(self, status: str) -> None:
        from forum.insight.errors import InvalidImprovementMove

        if not self.can_move_to(status):
            raise InvalidImprovementMove(
                _("An improvement cannot move from “%(old)s” to “%(new)s”.")
                % {
                    "old": self.Status(self.status).label,
                    "new": self.Status(status).label if status in self.Status else status,
                }
            )
        self.status = status


class ImprovementEvent(models.Model):
    """The history of an improvement item: every move with who made it and why."""

    item = models.ForeignKey(
        ImprovementItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("improvement event")
        verbose_name_plural = _("improvement events")

    def __str__(self) -> str:
        return f"{self.item_id} → {self.to_status}"


class MonthlyFigure(models.Model):
    """Precomputed monthly case figures for the 12-month trends and the heat map."""

    class Scope(models.TextChoices):
        ALL = "all", _("All")
        DEPARTMENT = "department", _("Department")
        PROJECT = "project", _("Housing project")
        PROJECT_CATEGORY = "project_category", _("Project × category")

    month = models.DateField(_("month"))
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)
    department = models.ForeignKey(
        "cases.Department", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    project = models.ForeignKey(
        "portal.HousingProject", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    category = models.ForeignKey(
        "cases.Category", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    cases = models.PositiveIntegerField(_("cases"), default=0)
    first_response_median_hours = models.FloatField(null=True, blank=True)
    resolution_median_hours = models.FloatField(null=True, blank=True)
    sla_share = models.FloatField(_("resolution within SLA"), null=True, blank=True)
    satisfaction_average = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["month", "pk"]
        verbose_name = _("monthly figure")
        verbose_name_plural = _("monthly figures")
        indexes = [models.Index(fields=["scope", "month"], name="insight_fig_scope_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.scope}"


class ReportSubscription(models.Model):
    """A staff member who wants the monthly report by mail on the first of the month."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="insight_report_subscription",
    )
    monthly_mail = models.BooleanField(_("mail me the monthly report"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")

    def __str__(self) -> str:
        return str(self.user)


class ReportMailing(models.Model):
    """The monthly report sent to one subscriber for one month: at most once (the unique key)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("month"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("monthly report mail")
        verbose_name_plural = _("monthly report mails")
        constraints = [
            models.UniqueConstraint(fields=["user", "month"], name="one_report_mail_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.month:%Y-%m}"
