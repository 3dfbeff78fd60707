import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.members.events import POINTS_EVENTS


class User(AbstractUser):
    """The club's account. Membership details live beside it (members issue)."""

    display_name = models.CharField(
        _("display name"),
        max_length=40,
        blank=True,
        help_text=_("Shown beside your posts instead of your username."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    def get_public_name(self) -> str:
        """The name shown wherever members meet (machina's MACHINA_USER_DISPLAY_NAME_METHOD)."""
        return self.public_name


class MemberLevel(models.Model):
    """A membership level (普卡, 银卡, 金卡, 白金卡), reached by upgrade points."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=20)
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True, help_text=_("1 is the lowest."))
    upgrade_points_threshold = models.PositiveIntegerField(
        _("upgrade points threshold"),
        default=0,
        help_text=_("Upgrade points needed to reach this level."),
    )
    yearly_retention_points = models.PositiveIntegerField(
        _("upgrade points to keep the level"),
        default=0,
        help_text=_(
            "At the yearly review, a member who earned fewer upgrade points than this in the "
            "past twelve months moves down one level. 0 keeps the level."
        ),
    )
    benefits = models.TextField(_("benefits"), blank=True)
    birthday_gift = models.ForeignKey(
        "RedemptionItem",
        verbose_name=_("birthday gift"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"active": True},
        help_text=_(
            "Given free of points, once a year, with the birthday greeting to members of this "
            "level who asked for greetings. The item's stock and its way of collection apply; "
            "points for birthdays are the rules on the birthday event."
        ),
    )

    class Meta:
        ordering = ["rank"]
        verbose_name = _("member level")
        verbose_name_plural = _("member levels")

    def __str__(self) -> str:
        return self.name


class HousingProject(models.Model):
    """A development (楼盘) whose verified owners share an owners' board."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    city = models.CharField(_("city"), max_length=40)
    phases = models.PositiveSmallIntegerField(_("phases"), default=1)
    owners_group = models.OneToOneField(
        Group,
        verbose_name=_("owners' group"),
        on_delete=models.PROTECT,
        related_name="housing_project",
        help_text=_("Verified owners of this project; it grants access to the owners' board."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["city", "name"]
        verbose_name = _("housing project")
        verbose_name_plural = _("housing projects")

    def __str__(self) -> str:
        return self.name


class VerifierCity(models.Model):
    """A city whose ownership claims a staff member verifies.

    Staff holding ``portal.verify_unitownership`` with no city here verify claims in every city
    (head office); with one or more, only claims on housing projects in those cities.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="verifier_cities",
    )
    city = models.CharField(_("city"), max_length=40)

    class Meta:
        verbose_name = _("verifier's city")
        verbose_name_plural = _("verifiers' cities")
        constraints = [
            models.UniqueConstraint(fields=["user", "city"], name="unique_verifier_city")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.city}"


class UnitOwnership(models.Model):
    """A member's claim to own a unit in a housing project, and its verification."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="unit_ownerships",
    )
    project = models.ForeignKey(
        HousingProject,
        verbose_name=_("housing project"),
        on_delete=models.PROTECT,
        related_name="unit_ownerships",
    )
    building = models.CharField(_("building"), max_length=20)
    unit = models.CharField(_("unit"), max_length=20)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reject_reason = models.CharField(_("reason for rejection"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("unit ownership")
        verbose_name_plural = _("unit ownerships")
        permissions = [("verify_unitownership", _("Can verify or reject ownership claims"))]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "project", "building", "unit"], name="unique_unit_claim"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.building}-{self.unit}"


MOBILE_REGEX = r"^1[3-9]\d{9}$"


class MemberProfile(models.Model):
    """Everything personal about a member, in one place so masking and export live in one place."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        UNDISCLOSED = "undisclosed", _("Prefer not to say")

    class Family(models.TextChoices):
        SINGLE = "single", _("Single")
        COUPLE = "couple", _("Couple")
        YOUNG_CHILDREN = "young_children", _("With young children")
        THREE_GENERATIONS = "three_generations", _("Three generations")
        OTHER = "other", _("Other")

    class HowHeard(models.TextChoices):
        FRIEND = "friend", _("A friend or neighbour")
        SALES_OFFICE = "sales_office", _("Sales office")
        ONLINE = "online", _("Online")
        EVENT = "event", _("A club event")
        OTHER = "other", _("Other")

    class Interest(models.TextChoices):
        FAMILY = "family", _("Family and children")
        SPORTS = "sports", _("Sports")
        CULTURE = "culture", _("Culture and arts")
        HOME = "home", _("Home and decoration")
        INVESTMENT = "investment", _("Property investment")
        VOLUNTEERING = "volunteering", _("Volunteering")

    class PropertyType(models.TextChoices):
        APARTMENT = "apartment", _("Apartment")
        TOWNHOUSE = "townhouse", _("Townhouse")
        VILLA = "villa", _("Villa")
        COMMERCIAL = "commercial", _("Commercial")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="member_profile",
    )
    member_number = models.CharField(_("member number"), max_length=20, unique=True)
    card_serial = models.PositiveSmallIntegerField(
        _("card serial"),
        default=1,
        help_text=_("Raised when a card is reissued; older cards' QR codes stop verifying."),
    )
    card_issued_at = models.DateTimeField(_("card issued at"), default=timezone.now)
    level = models.ForeignKey(
        MemberLevel,
        verbose_name=_("level"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profiles",
    )
    real_name = models.CharField(_("real name"), max_length=40, blank=True)
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    # NULL, not "", when unknown: the unique constraint must allow many members without one.
    mobile = models.CharField(
        _("mobile"),
        max_length=11,
        unique=True,
        null=True,
        blank=True,
        validators=[
            RegexValidator(MOBILE_REGEX, _("Enter a mainland China mobile number (11 digits)."))
        ],
    )
    city = models.CharField(_("city"), max_length=40, blank=True, db_index=True)
    family = models.CharField(
        _("family composition"), max_length=20, choices=Family.choices, blank=True
    )
    how_heard = models.CharField(
        _("how you heard of the club"), max_length=20, choices=HowHeard.choices, blank=True
    )
    # Comma-framed codes (",sports,culture,") so "interest contains X" is one LIKE on any database.
    interests = models.CharField(_("interests"), max_length=200, blank=True)
    purchase_area = models.CharField(_("preferred area"), max_length=60, blank=True)
    purchase_budget = models.PositiveIntegerField(_("budget (10,000 yuan)"), null=True, blank=True)
    purchase_type = models.CharField(
        _("property type"), max_length=20, choices=PropertyType.choices, blank=True
    )
    notify_points = models.BooleanField(_("email me about my points"), default=True)
    notify_cases = models.BooleanField(_("email me when my cases change"), default=True)
    notify_club_news = models.BooleanField(_("email me the club's news and events"), default=True)
    # Marketing by SMS needs an explicit yes; site messages reach members who did not say no.
    sms_club_news = models.BooleanField(_("text me the club's news and offers"), default=False)
    notice_club_news = models.BooleanField(
        _("send the club's news and offers to my site messages"), default=True
    )
    # Month and day only (the year is birth_year): asked for birthday greetings, with consent.
    birth_month = models.PositiveSmallIntegerField(
        _("birth month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    birth_day = models.PositiveSmallIntegerField(
        _("birth day"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    birthday_greetings = models.BooleanField(
        _("send me a birthday greeting (and the birthday gift of my level)"), default=False
    )
    show_level_badge = models.BooleanField(_("show my level beside my posts"), default=True)
    allow_sales_contact = models.BooleanField(
        _("sales staff may contact me about my purchase intention"), default=False
    )
    # Empty for members who joined before consent was asked: they are not forced to log out.
    privacy_consent_version = models.CharField(
        _("privacy notice version agreed to"), max_length=20, blank=True
    )
    privacy_consent_at = models.DateTimeField(_("privacy notice agreed at"), null=True, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referred_profiles",
        help_text=_("The member whose invitation link this member joined through."),
    )
    deletion_requested_at = models.DateTimeField(
        _("account deletion requested at"), null=True, blank=True, db_index=True
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("member profile")
        verbose_name_plural = _("member profiles")
        permissions = [
            ("view_member_pii", _("Can see members' personal data unmasked")),
            ("export_members", _("Can export members to CSV")),
        ]

    def __str__(self) -> str:
        return self.member_number

    def clean(self):
        super().clean()
        if (self.birth_month is None) != (self.birth_day is None):
            raise ValidationError({"birth_day": _("Give both the month and the day, or neither.")})
        if (
            self.birth_month is not None
            and month_day_parse(f"{self.birth_month:02d}-{self.birth_day:02d}") is None
        ):
            raise ValidationError({"birth_day": _("This day does not exist in that month.")})

    @property
    def interest_codes(self) -> list[str]:
        return [code for code in self.interests.split(",") if code]

    def get_interests_display(self) -> list[str]:
        labels = dict(self.Interest.choices)
        return [str(labels.get(code, code)) for code in self.interest_codes]


class PiiAccessLog(models.Model):
    """A staff member saw or exported a member's personal data."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="pii_access_logs",
    )
    what = models.CharField(_("what"), max_length=100)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")

    def __str__(self) -> str:
        return f"{self.staff} → {self.member}: {self.what}"


class PointsCategory(models.TextChoices):
    MEMBERSHIP = "membership", _("Membership routine")
    MARKETING = "marketing", _("Marketing campaigns")
    BRAND = "brand", _("Brand promotion")
    SALES = "sales", _("Sales management")
    RESEARCH = "research", _("Market research")
    OTHER = "other", _("Other")


class PointsRule(models.Model):
    """An earning rule: when an event happens (a registered points event), pay this many points.

    Administrators add rules without code; every active rule on an event pays, once per
    ``(rule, source)``, when the member and the moment meet its conditions (level, housing
    project, a yearly date window, the rule's active dates, at most N times per period).
    """

    class CapPeriod(models.TextChoices):
        DAY = "day", _("per day")
        WEEK = "week", _("per week")
        MONTH = "month", _("per month")
        YEAR = "year", _("per year")
        EVER = "ever", _("in total")

    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("A short unique name; it is part of every payment's idempotency key."),
    )
    event = models.CharField(
        _("event"), max_length=40, db_index=True, help_text=_("What the member does.")
    )
    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(
        _("how to earn"),
        max_length=200,
        blank=True,
        help_text=_("Shown to members on the page of ways to earn points."),
    )
    reward_points = models.IntegerField(_("reward points"), default=0)
    upgrade_points = models.IntegerField(_("upgrade points"), default=0)
    category = models.CharField(
        _("category"),
        max_length=20,
        choices=PointsCategory.choices,
        default=PointsCategory.MEMBERSHIP,
    )
    active = models.BooleanField(_("active"), default=True)
    levels = models.ManyToManyField(
        MemberLevel,
        verbose_name=_("only for levels"),
        blank=True,
        related_name="+",
        help_text=_("Empty: every level."),
    )
    projects = models.ManyToManyField(
        HousingProject,
        verbose_name=_("only for owners in"),
        blank=True,
        related_name="+",
        help_text=_("Empty: every member; otherwise verified owners in one of these projects."),
    )
    window_start = models.CharField(
        _("yearly window from"),
        max_length=5,
        blank=True,
        help_text=_("MM-DD, e.g. 05-01; with the end, the rule pays only inside it each year."),
    )
    window_end = models.CharField(_("yearly window until"), max_length=5, blank=True)
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_until = models.DateField(_("active until"), null=True, blank=True)
    max_times = models.PositiveIntegerField(
        _("at most N times"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    cap_period = models.CharField(
        _("per"), max_length=10, choices=CapPeriod.choices, default=CapPeriod.EVER
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("earning rule")
        verbose_name_plural = _("earning rules")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Rules created in code before events existed were paid by the event named like them.
        if not self.event:
            self.event = self.code
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.event and self.event not in POINTS_EVENTS:
            errors["event"] = _("No part of the site reports this event; choose one from the list.")
        if self.reward_points < 0 or self.upgrade_points < 0:
            errors["reward_points"] = _("A rule pays points; use a staff correction to take some.")
        elif not self.reward_points and not self.upgrade_points:
            errors["reward_points"] = _("A rule must pay reward points, upgrade points or both.")
        if self.active_from and self.active_until and self.active_until < self.active_from:
            errors["active_until"] = _("The rule would end before it starts.")
        if bool(self.window_start) != bool(self.window_end):
            errors["window_end"] = _("Give both ends of the yearly window, or neither.")
        for field in ("window_start", "window_end"):
            value = getattr(self, field)
            if value and month_day_parse(value) is None:
                errors[field] = _("Write a day of the year as MM-DD, e.g. 05-01.")
        if self.max_times == 0:
            errors["max_times"] = _("A rule that may pay 0 times never pays; leave it empty.")
        if errors:
            raise ValidationError(errors)

    def in_window(self, day: datetime.date) -> bool:
        """Whether ``day`` is inside the yearly window (which may run over New Year)."""
        if not self.window_start or not self.window_end:
            return True
        start, end = month_day_parse(self.window_start), month_day_parse(self.window_end)
        if start is None or end is None:
            return False
        here = (day.month, day.day)
        return start <= here <= end if start <= end else here >= start or here <= end


def month_day_parse(value: str) -> tuple[int, int] | None:
    """Parse "MM-DD" into (month, day), or None when it is not a day of a (leap) year."""
    try:
        month, day = (int(part) for part in value.split("-"))
        datetime.date(2000, month, day)
    except (ValueError, TypeError):
        return None
    return month, day


class PointsEntry(models.Model):
    """One immutable line in a member's reward or upgrade ledger; balances are sums."""

    class Ledger(models.TextChoices):
        REWARD = "reward", _("Reward points")
        UPGRADE = "upgrade", _("Upgrade points")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="points_entries",
    )
    ledger = models.CharField(_("ledger"), max_length=10, choices=Ledger.choices)
    amount = models.IntegerField(_("amount"))
    category = models.CharField(
        _("category"), max_length=20, choices=PointsCategory.choices, default=PointsCategory.OTHER
    )
    reason = models.CharField(_("reason"), max_length=200)
    rule = models.ForeignKey(
        PointsRule,
        verbose_name=_("rule"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    source_key = models.CharField(_("source"), max_length=100, blank=True)
    source_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("source type"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source_id = models.CharField(_("source id"), max_length=40, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=160, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        indexes = [models.Index(fields=["member", "ledger", "created_at"])]

    def __str__(self) -> str:
        return f"{self.member} {self.ledger} {self.amount:+d}"

    def save(self, *args, **kwargs):
        # A ledger is append-only: corrections are new entries, never edits.
        if self.pk is not None:
            raise ValueError("points entries are immutable")
        super().save(*args, **kwargs)


class PointsExpiryNotice(models.Model):
    """A member was told that points will expire at a cut-off; one notice per cut-off."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    expires_on = models.DateField(_("expires on"))
    amount = models.PositiveIntegerField(_("amount"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("points expiry notice")
        verbose_name_plural = _("points expiry notices")
        constraints = [
            models.UniqueConstraint(fields=["member", "expires_on"], name="unique_expiry_notice")
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.amount} @ {self.expires_on}"


class RedemptionItem(models.Model):
    """A gift or merchant voucher members can redeem reward points for."""

    class Kind(models.TextChoices):
        GIFT = "gift", _("Gift")
        VOUCHER = "voucher", _("Merchant voucher")

    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.GIFT)
    merchant = models.CharField(_("merchant"), max_length=80, blank=True)
    description = models.TextField(_("description"), blank=True)
    points_cost = models.PositiveIntegerField(_("points cost"))
    stock = models.PositiveIntegerField(_("stock"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["points_cost", "name"]
        verbose_name = _("redemption item")
        verbose_name_plural = _("redemption items")

    def __str__(self) -> str:
        return self.name


class RedemptionRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="redemption_requests",
    )
    item = models.ForeignKey(
        RedemptionItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="requests"
    )
    points_cost = models.PositiveIntegerField(_("points cost"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reject_reason = models.CharField(_("reason for rejection"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("redemption request")
        verbose_name_plural = _("redemption requests")

    def __str__(self) -> str:
        return f"{self.member} · {self.item}"


class PointsHold(models.Model):
    """Reward points set aside for something not yet settled: a redemption awaiting review, an
    activity's points cost until the member attends. Available = reward balance − held.

    A hold is keyed by what it is for (``source_key``): one hold per source, whose status moves
    held → charged (a debit entry is written) or held → released (nothing is written).
    """

    class Status(models.TextChoices):
        HELD = "held", _("Held")
        CHARGED = "charged", _("Charged")
        RELEASED = "released", _("Released")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="points_holds",
    )
    amount = models.PositiveIntegerField(_("amount"))
    reason = models.CharField(_("reason"), max_length=200)
    source_key = models.CharField(_("source"), max_length=100, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.HELD
    )
    entry = models.OneToOneField(
        PointsEntry,
        verbose_name=_("ledger entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hold",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("points hold")
        verbose_name_plural = _("points holds")
        indexes = [
            models.Index(
                fields=["member"],
                condition=models.Q(status="held"),
                name="points_hold_active_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.amount} ({self.source_key})"


class Notice(models.Model):
    """A site message (站内信) in a member's inbox: what the club tells them that is not a forum
    reply (activity sign-ups, rewards, adopted feedback, campaign messages). ``kind`` is a short
    code chosen by the app that sends it; ``url`` where the notice leads, if anywhere."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), max_length=2000, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("site message")
        verbose_name_plural = _("site messages")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notice_recipient_created"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notice_recipient_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.title
