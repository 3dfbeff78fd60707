from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.members.models import PointsCategory, PointsEntry, RedemptionItem, RedemptionRequest


class RewardOutlet(models.Model):
    """A service centre (服务中心) or an alliance merchant (联盟商家) where members collect rewards;
    its staff redeem (核销) members' codes there from a phone."""

    class Kind(models.TextChoices):
        SERVICE_CENTRE = "service_centre", _("Service centre")
        MERCHANT = "merchant", _("Alliance merchant")

    name = models.CharField(_("name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff who redeem codes here"),
        blank=True,
        related_name="reward_outlets",
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("reward outlet")
        verbose_name_plural = _("reward outlets")

    def __str__(self) -> str:
        return self.name


class RewardOption(models.Model):
    """How a catalogue item reaches the member, and which plan line its redemptions book on."""

    class Method(models.TextChoices):
        PICKUP = "pickup", _("Pick-up")
        DELIVERY = "delivery", _("Delivery")
        ELECTRONIC = "electronic", _("Electronic code")

    item = models.OneToOneField(
        RedemptionItem,
        verbose_name=_("item"),
        on_delete=models.CASCADE,
        related_name="reward_option",
    )
    method = models.CharField(
        _("fulfilment"), max_length=12, choices=Method.choices, default=Method.PICKUP
    )
    outlets = models.ManyToManyField(
        RewardOutlet,
        verbose_name=_("redeemable at"),
        blank=True,
        related_name="options",
        help_text=_("Pick-up and electronic codes: where staff may redeem them. Empty: any."),
    )
    code_valid_days = models.PositiveSmallIntegerField(
        _("code valid for (days)"), default=30, help_text=_("Unused codes expire after this.")
    )
    category = models.CharField(
        _("plan category"),
        max_length=20,
        choices=PointsCategory.choices,
        default=PointsCategory.MEMBERSHIP,
    )

    class Meta:
        verbose_name = _("fulfilment option")
        verbose_name_plural = _("fulfilment options")

    def __str__(self) -> str:
        return f"{self.item}: {self.get_method_display()}"

    def clean(self):
        if self.code_valid_days == 0:
            raise ValidationError(
                {"code_valid_days": _("A code must be valid for at least a day.")}
            )


class FulfilmentError(Exception):
    """A move the fulfilment pipeline does not allow."""


class Fulfilment(models.Model):
    """What happens to a redemption request after it is made: the status pipeline
    requested → approved → ready (a code) / shipped → fulfilled, or rejected / expired."""

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("fulfilment status", "Requested")
        APPROVED = "approved", _("Approved")
        READY = "ready", _("Ready to collect")
        SHIPPED = "shipped", _("Shipped")
        FULFILLED = "fulfilled", _("Fulfilled")
        REJECTED = "rejected", _("Rejected")
        EXPIRED = "expired", _("Expired")

    PIPELINE = {
        Status.REQUESTED: {Status.APPROVED, Status.REJECTED},
        Status.APPROVED: {Status.READY, Status.SHIPPED, Status.REJECTED},
        Status.READY: {Status.FULFILLED, Status.EXPIRED},
        Status.SHIPPED: {Status.FULFILLED},
    }
    CLOSED = {Status.FULFILLED, Status.REJECTED, Status.EXPIRED}

    request = models.OneToOneField(
        RedemptionRequest,
        verbose_name=_("redemption request"),
        on_delete=models.CASCADE,
        related_name="fulfilment",
    )
    method = models.CharField(_("fulfilment"), max_length=12, choices=RewardOption.Method.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=Status.choices,
        default=Status.REQUESTED,
        db_index=True,
    )
    recipient_name = models.CharField(_("recipient"), max_length=40, blank=True)
    recipient_mobile = models.CharField(_("mobile"), max_length=11, blank=True)
    address = models.CharField(_("delivery address"), max_length=200, blank=True)
    code = models.CharField(_("redemption code"), max_length=12, unique=True, null=True, blank=True)
    code_expires_at = models.DateTimeField(_("code expires at"), null=True, blank=True)
    carrier = models.CharField(_("carrier"), max_length=40, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    outlet = models.ForeignKey(
        RewardOutlet,
        verbose_name=_("redeemed at"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fulfilments",
    )
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fulfilled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("fulfilment")
        verbose_name_plural = _("fulfilments")
        permissions = [
            ("view_delivery_address", _("Can see members' delivery addresses unmasked")),
        ]
        indexes = [
            models.Index(
                fields=["code_expires_at"],
                condition=models.Q(status="ready"),
                name="fulfilment_ready_expiry",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request} ({self.get_status_display()})"

    def set_status(self, status: str) -> None:
        if status not in self.PIPELINE.get(self.status, set()):
            raise FulfilmentError(
                _("A request that is %(now)s cannot become %(next)s.")
                % {
                    "now": self.get_status_display(),
                    "next": self.Status(status).label,
                }
            )
        self.status = status
        self.updated_at = timezone.now()


class FulfilmentStep(models.Model):
    """One step of a fulfilment, for the member's and the staff's history."""

    fulfilment = models.ForeignKey(
        Fulfilment, verbose_name=_("fulfilment"), on_delete=models.CASCADE, related_name="steps"
    )
    status = models.CharField(_("status"), max_length=12, choices=Fulfilment.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("fulfilment step")
        verbose_name_plural = _("fulfilment steps")

    def __str__(self) -> str:
        return f"{self.fulfilment_id} {self.status}"


class PointsPlan(models.Model):
    """The yearly points plan (年度积分计划): one budget line per category."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    name = models.CharField(_("name"), max_length=80)
    point_value = models.DecimalField(
        _("value of one point (yuan)"),
        max_digits=8,
        decimal_places=4,
        default=0.01,
        help_text=_("What one reward point costs the company, for the reports."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("points plan")
        verbose_name_plural = _("points plans")

    def __str__(self) -> str:
        return self.name


class PlanLine(models.Model):
    """A category's budget of reward points for the plan's year. Rules and grants in the
    category draw on it; ``issued`` is kept under the line's row lock as entries are booked."""

    WARN_SHARE = 0.8

    plan = models.ForeignKey(
        PointsPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="lines"
    )
    category = models.CharField(_("category"), max_length=20, choices=PointsCategory.choices)
    budget = models.PositiveIntegerField(_("budget (reward points)"))
    issued = models.IntegerField(_("issued"), default=0, editable=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["plan", "category"]
        verbose_name = _("plan line")
        verbose_name_plural = _("plan lines")
        permissions = [("raise_planline", _("Can raise a plan line's budget"))]
        constraints = [
            models.UniqueConstraint(fields=["plan", "category"], name="unique_plan_category")
        ]

    def __str__(self) -> str:
        return f"{self.plan.year} {self.get_category_display()}"

    @property
    def remaining(self) -> int:
        return self.budget - self.issued

    @property
    def used_share(self) -> float:
        return self.issued / self.budget if self.budget else 1.0


class PlanLineChange(models.Model):
    """An approver changed a line's budget (raised it past 100%, or trimmed it)."""

    line = models.ForeignKey(
        PlanLine, verbose_name=_("plan line"), on_delete=models.CASCADE, related_name="changes"
    )
    old_budget = models.PositiveIntegerField(_("old budget"))
    new_budget = models.PositiveIntegerField(_("new budget"))
    reason = models.CharField(_("reason"), max_length=200)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("budget change")
        verbose_name_plural = _("budget changes")

    def __str__(self) -> str:
        return f"{self.line}: {self.old_budget} → {self.new_budget}"


class PlanEntry(models.Model):
    """A reward-ledger entry booked on a plan line (``line`` empty: outside the plan, 非常规).

    ``month`` and ``amount`` are copied from the entry so the plan view sums one table."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("Issued")
        REDEEMED = "redeemed", _("Redeemed")
        EXPIRED = "expired", _("Expired")
        REVERSED = "reversed", _("Reversed or corrected")

    entry = models.OneToOneField(
        PointsEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="plan_entry"
    )
    line = models.ForeignKey(
        PlanLine,
        verbose_name=_("plan line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    category = models.CharField(_("category"), max_length=20, choices=PointsCategory.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = models.IntegerField(_("amount"))

    class Meta:
        verbose_name = _("plan entry")
        verbose_name_plural = _("plan entries")
        # Every column the plan view groups and sums, so it reads the index alone.
        indexes = [
            models.Index(
                fields=["year", "line", "category", "month", "kind", "amount"],
                name="rewards_planentry_year_sums",
            )
        ]

    def __str__(self) -> str:
        return f"{self.line} {self.kind} {self.amount}"


class PointsGrant(models.Model):
    """Points granted by staff to a list of members (one entry per member), drawn on a plan
    line. Above the approval threshold a second person approves it before it pays; a paid grant
    is reversed by compensating entries, never by editing."""

    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting", _("Awaiting approval")
        PAID = "paid", _("Paid")
        REJECTED = "rejected", _("Rejected")
        REVERSED = "reversed", _("Reversed")

    line = models.ForeignKey(
        PlanLine, verbose_name=_("plan line"), on_delete=models.PROTECT, related_name="grants"
    )
    reward_points = models.PositiveIntegerField(_("reward points each"))
    upgrade_points = models.PositiveIntegerField(_("upgrade points each"), default=0)
    reason = models.CharField(_("reason"), max_length=200)
    # The activity whose checked-in attendees were granted, when they were the list.
    activity = models.ForeignKey(
        "activities.ActivityPage",
        verbose_name=_("attendees of activity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.AWAITING_APPROVAL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reversed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reversal_reason = models.CharField(_("reason for reversal"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("points grant")
        verbose_name_plural = _("points grants")
        permissions = [("approve_pointsgrant", _("Can approve large points grants"))]

    def __str__(self) -> str:
        return f"{self.reason} ({self.recipients.count()})"

    @property
    def total_reward_points(self) -> int:
        return self.reward_points * self.recipients.count()


class PointsGrantRecipient(models.Model):
    grant = models.ForeignKey(
        PointsGrant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="recipients"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("grant recipient")
        verbose_name_plural = _("grant recipients")
        constraints = [
            models.UniqueConstraint(fields=["grant", "member"], name="unique_grant_member")
        ]

    def __str__(self) -> str:
        return f"{self.grant_id} → {self.member}"
