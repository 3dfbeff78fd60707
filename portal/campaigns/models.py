from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CampaignError(Exception):
    """A campaign action that is not allowed now; the message says why, for the editor."""


class Segment(models.Model):
    """A saved, named filter over members (``filters`` holds the cleaned SegmentForm data)."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        permissions = [("export_segment", _("Can export a segment's members"))]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    MAIL = "mail", _("Mail")
    SMS = "sms", _("SMS")
    SITE = "site", _("Site message")


class Campaign(models.Model):
    """Content + segment + channels + schedule, approved by someone other than its editor."""

    class Kind(models.TextChoices):
        MARKETING = "marketing", _("Marketing (needs the member's consent per channel)")
        SERVICE = "service", _("Service message (reaches every member of the segment)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING = "awaiting", _("Awaiting approval")
        APPROVED = "approved", _("Approved, scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    # status -> statuses it may move to
    PIPELINE = {
        Status.DRAFT: {Status.AWAITING, Status.CANCELLED},
        Status.AWAITING: {Status.APPROVED, Status.DRAFT, Status.CANCELLED},
        Status.APPROVED: {Status.SENDING, Status.DRAFT, Status.CANCELLED},
        Status.SENDING: {Status.SENT, Status.CANCELLED},
        Status.SENT: set(),
        Status.CANCELLED: set(),
    }

    class Repeat(models.TextChoices):
        NONE = "", _("Once")
        WEEKLY = "weekly", _("Every week")
        YEARLY = "yearly", _("Every year (holiday greeting)")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MARKETING)
    # Every composed campaign has a segment (the form requires it); an owners' vote reminder
    # has the vote instead: its recipients are the verified owners of the units not yet voted.
    segment = models.ForeignKey(
        Segment,
        verbose_name=_("segment"),
        on_delete=models.PROTECT,
        related_name="campaigns",
        null=True,
        blank=True,
    )
    vote = models.ForeignKey(
        "surveys.OwnersVote",
        verbose_name=_("owners' vote"),
        on_delete=models.CASCADE,
        related_name="reminders",
        null=True,
        blank=True,
        help_text=_("A reminder to the owners of this vote's units that have not voted."),
    )
    send_mail = models.BooleanField(_("mail"), default=False)
    send_sms = models.BooleanField(_("SMS"), default=False)
    send_site = models.BooleanField(_("site message"), default=False)
    subject = models.CharField(_("mail subject"), max_length=200, blank=True)
    newsletter = models.ForeignKey(
        "cms.NewsletterPage",
        verbose_name=_("newsletter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
        help_text=_("The mail's content; or write the body below."),
    )
    mail_body = models.TextField(
        _("mail text"),
        blank=True,
        help_text=_(
            "Plain text; used when no newsletter is chosen. Variables: {name} {level} "
            "{points} {activity_time}."
        ),
    )
    sms_text = models.TextField(
        _("SMS text"),
        blank=True,
        max_length=500,
        help_text=_("Variables: {name} {level} {points} {activity_time}."),
    )
    sms_max_segments = models.PositiveSmallIntegerField(
        _("SMS length accepted (segments)"),
        default=1,
        help_text=_("A member's text longer than this many SMS is not sent."),
    )
    site_title = models.CharField(_("site message title"), max_length=200, blank=True)
    site_body = models.TextField(_("site message text"), max_length=2000, blank=True)
    link = models.CharField(
        _("link"), max_length=300, blank=True, help_text=_("Where the site message leads.")
    )
    activity_time = models.CharField(
        _("activity time"),
        max_length=40,
        blank=True,
        help_text=_("The value of {activity_time}, e.g. 6月8日 14:00."),
    )
    scheduled_at = models.DateTimeField(_("send at"), default=timezone.now)
    repeat = models.CharField(
        _("repeat"), max_length=10, choices=Repeat.choices, default=Repeat.NONE, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("editor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    started_at = models.DateTimeField(_("sending started at"), null=True, blank=True)
    # Set once every recipient's delivery row is written: until then the campaign cannot finish.
    prepared_at = models.DateTimeField(_("recipients listed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sending finished at"), null=True, blank=True)
    recurrence_of = models.ForeignKey(
        "self",
        verbose_name=_("repeats"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recurrences",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-scheduled_at", "-pk"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        permissions = [("approve_campaign", _("Can approve a campaign for sending"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(segment__isnull=False) | models.Q(vote__isnull=False),
                name="campaign_has_recipients",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def channels(self) -> list[str]:
        return [
            channel
            for channel, on in (
                (Channel.MAIL, self.send_mail),
                (Channel.SMS, self.send_sms),
                (Channel.SITE, self.send_site),
            )
            if on
        ]

    def set_status(self, status: str) -> None:
        if status not in self.PIPELINE[self.status]:
            raise CampaignError(
                _("A campaign cannot go from “%(old)s” to “%(new)s”.")
                % {"old": self.get_status_display(), "new": self.Status(status).label}
            )
        self.status = status


class Delivery(models.Model):
    """One member, one campaign, one channel: the unit of sending and its log.

    The unique key is what makes sending resumable with no duplicate: the recipients are written
    once (a rerun adds nothing), and a worker sends only rows it claimed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        DEFERRED = "deferred", _("Deferred")
        SKIPPED = "skipped", _("Skipped")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="deliveries"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="campaign_deliveries",
    )
    channel = models.CharField(_("channel"), max_length=4, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_by = models.CharField(_("claimed by"), max_length=40, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, db_index=True)
    clicked_at = models.DateTimeField(_("first click at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "member", "channel"], name="campaign_delivery_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["campaign", "channel", "status", "next_attempt_at"], name="delivery_due"
            ),
            models.Index(fields=["member", "sent_at"], name="delivery_member_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.member_id}/{self.channel}: {self.status}"


class Click(models.Model):
    """A member followed a link of a campaign's mail (through the signed redirect)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="clicks")
    url = models.CharField(_("address"), max_length=500)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("click")
        verbose_name_plural = _("clicks")

    def __str__(self) -> str:
        return self.url


class BirthdayGreeting(models.Model):
    """The birthday greeting of one member in one year: the key that makes it once a year, for
    the greeting, the ``birthday`` points and the level's birthday gift alike."""

    class GiftStatus(models.TextChoices):
        NONE = "", _("No gift")
        GRANTED = "granted", _("Gift granted")
        OUT_OF_STOCK = "out_of_stock", _("Gift out of stock")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="birthday_greetings"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    gift_item = models.ForeignKey(
        "portal.RedemptionItem",
        verbose_name=_("birthday gift"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    gift_status = models.CharField(
        _("gift"), max_length=12, choices=GiftStatus.choices, default="", blank=True
    )
    gift_fulfilment = models.OneToOneField(
        "rewards.Fulfilment",
        verbose_name=_("gift redemption"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="birthday_greeting",
    )

    class Meta:
        verbose_name = _("birthday greeting")
        verbose_name_plural = _("birthday greetings")
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="birthday_greeting_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year}"
