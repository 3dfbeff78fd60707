"""Activities: the index and activity pages editors publish, circles, sign-ups and summaries.

The rules (who may sign up, capacity and the waiting list, check-in, points) live in
``services`` and ``eligibility``; reads in ``selectors``. The pages only ask them.
"""

import datetime
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.images import get_image_model_string
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock

IMAGE_MODEL = get_image_model_string()


class Circle(models.Model):
    """A circle (圈子: wine, piano, golf …) of valued members; circle activities are for it."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="circles"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("circle")
        verbose_name_plural = _("circles")

    def __str__(self) -> str:
        return self.name


class ActivityKind(models.TextChoices):
    BASIC = "basic", _("Basic activity")
    CIRCLE = "circle", _("Circle activity")


class ActivityCategory(models.TextChoices):
    HOLIDAY = "holiday", _("Holidays")
    SPORTS = "sports", _("Sports")
    CULTURE = "culture", _("Culture")
    EXCHANGE = "exchange", _("Exchanges")
    FAMILY = "family", _("Family")
    OTHER = "other", _("Other")


class ActivityIndexPage(RoutablePageMixin, Page):
    """/activities/: upcoming activities with filters, an iCal feed of them."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["activities.ActivityPage"]
    max_count = 1

    class Meta:
        verbose_name = _("activity index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        category = request.GET.get("category", "")
        if category not in ActivityCategory.values:
            category = ""
        city = request.GET.get("city", "")[:40]
        month = request.GET.get("month", "")
        if not _valid_month(month):
            month = ""
        context.update(
            {
                "activities": activities_upcoming(
                    index=self, category=category, city=city, month=month
                ),
                "categories": ActivityCategory.choices,
                "cities": activity_cities(index=self),
                "category": category,
                "city": city,
                "month": month,
            }
        )
        return context

    @path("ical/")
    def ical_feed(self, request):
        from portal.activities.ical import ical_response

        return ical_response(
            activities=activities_upcoming(index=self), filename="activities.ics", request=request
        )


def _valid_month(value: str) -> bool:
    """YYYY-MM with a real month."""
    year, dash, month = value.partition("-")
    if not dash or len(year) != 4 or len(month) != 2:
        return False
    try:
        return 1 <= int(month) <= 12 and int(year) > 0
    except ValueError:
        return False


class ActivityPage(RoutablePageMixin, Page):
    """One activity (会员活动): when and where, for whom, capacity and sign-up rules."""

    class Audience(models.TextChoices):
        ALL = "all", _("All members")
        LEVEL = "level", _("Members from a level up")
        OWNERS = "owners", _("Verified owners of the chosen housing projects")
        CIRCLE = "circle", _("Members of a circle")

    class Organiser(models.TextChoices):
        CLUB = "club", _("The club")
        DEPARTMENT = "department", _("A department")
        MERCHANT = "merchant", _("An alliance merchant")

    kind = models.CharField(
        _("kind"), max_length=10, choices=ActivityKind.choices, default=ActivityKind.BASIC
    )
    category = models.CharField(
        _("category"),
        max_length=10,
        choices=ActivityCategory.choices,
        default=ActivityCategory.OTHER,
        db_index=True,
    )
    summary = models.CharField(_("summary"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=40, blank=True, db_index=True)
    projects = ParentalManyToManyField(
        "portal.HousingProject",
        verbose_name=_("housing projects it is for"),
        blank=True,
        related_name="activities",
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    organiser = models.CharField(
        _("organiser"), max_length=12, choices=Organiser.choices, default=Organiser.CLUB
    )
    organiser_name = models.CharField(
        _("organiser's name"),
        max_length=80,
        blank=True,
        help_text=_("The department or merchant that runs or co-hosts it."),
    )
    cover_image = models.ForeignKey(
        IMAGE_MODEL,
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    capacity = models.PositiveIntegerField(
        _("places"),
        validators=[MinValueValidator(1)],
        help_text=_("Places in all, companions included."),
    )
    max_companions = models.PositiveSmallIntegerField(
        _("companions a member may bring"), default=0, validators=[MaxValueValidator(10)]
    )
    audience = models.CharField(
        _("who may sign up"), max_length=10, choices=Audience.choices, default=Audience.ALL
    )
    min_level = models.ForeignKey(
        "portal.MemberLevel",
        verbose_name=_("lowest level"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    eligible_projects = ParentalManyToManyField(
        "portal.HousingProject",
        verbose_name=_("owners of these projects"),
        blank=True,
        related_name="+",
    )
    circle = models.ForeignKey(
        Circle,
        verbose_name=_("circle"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    max_no_shows = models.PositiveSmallIntegerField(
        _("no-shows allowed"),
        null=True,
        blank=True,
        help_text=_(
            "Members who missed more activities than this in the past year (signed up, did "
            "not come, did not cancel) may not sign up. Empty: no limit."
        ),
    )
    signup_opens_at = models.DateTimeField(_("sign-up opens"), null=True, blank=True)
    signup_closes_at = models.DateTimeField(
        _("sign-up closes"), null=True, blank=True, help_text=_("Empty: when it starts.")
    )
    cancel_deadline = models.DateTimeField(
        _("cancellation deadline"), null=True, blank=True, help_text=_("Empty: when it starts.")
    )
    points_cost = models.PositiveIntegerField(
        _("points cost"),
        default=0,
        help_text=_("Reward points held at sign-up and spent when the member attends."),
    )
    price = models.DecimalField(
        _("price (yuan)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Paid offline; recorded here only."),
    )
    planned = models.BooleanField(
        _("in the annual plan"), default=True, help_text=_("Untick for an addition to the plan.")
    )
    budget = models.DecimalField(
        _("budget (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    cancelled = models.BooleanField(
        _("cancelled by the club"),
        default=False,
        help_text=_("Members who signed up are told when this is published."),
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("category")]),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                FieldPanel("city"),
                FieldPanel("projects", widget=forms.CheckboxSelectMultiple),
                FieldPanel("place"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("organiser"), FieldPanel("organiser_name")]),
            ],
            heading=_("When and where"),
        ),
        FieldPanel("cover_image"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("max_companions")]),
                FieldPanel("audience"),
                FieldPanel("min_level"),
                FieldPanel("eligible_projects", widget=forms.CheckboxSelectMultiple),
                FieldPanel("circle"),
                FieldPanel("max_no_shows"),
                FieldRowPanel(
                    [
                        FieldPanel("signup_opens_at"),
                        FieldPanel("signup_closes_at"),
                        FieldPanel("cancel_deadline"),
                    ]
                ),
                FieldRowPanel([FieldPanel("points_cost"), FieldPanel("price")]),
            ],
            heading=_("Sign-up"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("planned"), FieldPanel("budget")]), FieldPanel("cancelled")],
            heading=_("Plan"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("place"),
        index.SearchField("address"),
        index.SearchField("organiser_name"),
        index.SearchField("body"),
        index.FilterField("starts_at"),
        index.FilterField("category"),
        index.FilterField("city"),
    ]
    parent_page_types = ["activities.ActivityIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("An activity cannot end before it starts.")
        if (
            self.signup_opens_at
            and self.signup_closes_at
            and self.signup_closes_at < self.signup_opens_at
        ):
            errors["signup_closes_at"] = _("Sign-up cannot close before it opens.")
        if self.audience == self.Audience.LEVEL and self.min_level_id is None:
            errors["min_level"] = _("Choose the lowest level that may sign up.")
        if self.audience == self.Audience.CIRCLE and self.circle_id is None:
            errors["circle"] = _("Choose the circle that may sign up.")
        if errors:
            raise ValidationError(errors)

    # --- what pages and feeds read ---------------------------------------------------------

    @property
    def signup_closes(self):
        return self.signup_closes_at or self.starts_at

    @property
    def cancel_until(self):
        return self.cancel_deadline or self.starts_at

    @property
    def map_url(self) -> str:
        where = self.address or self.place
        return f"https://uri.amap.com/search?keyword={quote(where)}" if where else ""

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    def search_document(self) -> str:
        parts = [self.summary, self.place, self.address, self.city, self.organiser_name]
        parts.append(self.get_category_display())
        from django.utils.html import strip_tags

        parts.append(strip_tags(str(self.body)))
        return "\n".join(p for p in parts if p)

    def get_context(self, request, *args, **kwargs):
        # The reader's sign-up state comes from the `activity_signup_state` template tag
        # (selectors read these models; the models do not import them back).
        context = super().get_context(request, *args, **kwargs)
        context["companion_choices"] = range(self.max_companions + 1)
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if request.user.is_authenticated:
            # The sign-up state is the reader's own: never cache it for anyone else.
            response["Cache-Control"] = "private, no-cache"
        return response

    @path("ics/")
    def ics(self, request):
        from portal.activities.ical import ical_response

        return ical_response(activities=[self], filename=f"activity-{self.pk}.ics", request=request)


class Signup(models.Model):
    """A member's sign-up: confirmed (holds places), on the waiting list, or cancelled."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Signed up")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = (Status.CONFIRMED, Status.WAITING)

    activity = models.ForeignKey(
        ActivityPage, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="signups"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="activity_signups",
    )
    companions = models.PositiveSmallIntegerField(_("companions"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    signed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed up by staff"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    no_show = models.BooleanField(_("did not come"), default=False)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        permissions = [
            ("check_in_signup", _("Can check members in at an activity")),
            ("export_signups", _("Can export an activity's sign-up list")),
            ("view_activity_plan", _("Can see and export the annual activity plan")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "member"],
                condition=models.Q(status__in=["confirmed", "waiting"]),
                name="activity_signup_one_active",
            )
        ]
        indexes = [models.Index(fields=["activity", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.member} · {self.activity_id}"

    @property
    def places(self) -> int:
        return 1 + self.companions

    @property
    def points_source_key(self) -> str:
        return f"activity-signup:{self.pk}"


class ExperienceSummary(models.Model):
    """活动经验总结: what staff learned from an activity; the case library is made of these."""

    activity = models.OneToOneField(
        ActivityPage,
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        related_name="experience_summary",
    )
    went_well = models.TextField(_("what worked"), blank=True)
    to_improve = models.TextField(_("what to do better"), blank=True)
    cost = models.DecimalField(
        _("actual cost (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("experience summary")
        verbose_name_plural = _("experience summaries")

    def __str__(self) -> str:
        return str(self.activity)


class ActivityNoticeState(models.Model):
    """The time, place and state members were last told of, to tell them only of real changes."""

    activity = models.OneToOneField(
        ActivityPage, on_delete=models.CASCADE, related_name="notice_state"
    )
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=100)
    address = models.CharField(max_length=200, blank=True)
    cancelled = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("activity notice state")
        verbose_name_plural = _("activity notice states")

    def __str__(self) -> str:
        return str(self.activity_id)


# --- Reads the pages serve ------------------------------------------------------------------
# Here, beside the page types (as in cms.models), so the pages use them without importing a
# module that imports the models.


def activities_live() -> QuerySet:
    return ActivityPage.objects.live().public().select_related("cover_image")


def activities_upcoming(*, index=None, category: str = "", city: str = "", month: str = ""):
    """Live activities that have not ended, soonest first."""
    activities = activities_live().filter(ends_at__gte=timezone.now())
    if index is not None:
        activities = activities.child_of(index)
    if category:
        activities = activities.filter(category=category)
    if city:
        activities = activities.filter(city=city)
    if month and _valid_month(month):
        year, number = (int(part) for part in month.split("-"))
        start = timezone.make_aware(datetime.datetime(year, number, 1))
        end = timezone.make_aware(datetime.datetime(year + number // 12, number % 12 + 1, 1))
        activities = activities.filter(starts_at__gte=start, starts_at__lt=end)
    return activities.order_by("starts_at", "pk")


def activity_cities(*, index) -> list[str]:
    cities = ActivityPage.objects.live().child_of(index).values_list("city", flat=True)
    return sorted({city for city in cities if city})
