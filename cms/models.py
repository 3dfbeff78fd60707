"""The club's pages (home, news, member handbook, offers) and the merchant snippet.

Pages come in index/detail pairs as in wagtail/bakerydemo; the rules (which offers are valid,
which chapters a reader may see, which merchants need attention) live in ``cms.selectors``.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model_string
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.handbook import handbook_neighbours, handbook_toc
from cms.permissions import LeafAwarePermissionsMixin

IMAGE_MODEL = get_image_model_string()


class FeaturedItemBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock(label=_("page"))
    text = blocks.CharBlock(label=_("teaser"), required=False, max_length=120)

    class Meta:
        icon = "pick"
        label = _("Featured item")


class QuickLinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=30)
    url = blocks.CharBlock(label=_("link target"), max_length=200, help_text=_("e.g. /handbook/"))

    class Meta:
        icon = "link"
        label = _("Quick link")


class HomePage(Page):
    """The club's front page: a hero, what is new in news, offers and the forum, quick links."""

    hero_title = models.CharField(_("hero title"), max_length=80, blank=True)
    hero_text = models.CharField(_("hero text"), max_length=200, blank=True)
    hero_image = models.ForeignKey(
        IMAGE_MODEL,
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = RichTextField(_("body"), blank=True)
    featured = StreamField(
        [("item", FeaturedItemBlock())],
        verbose_name=_("featured items"),
        blank=True,
        help_text=_("Pages shown first on the home page, in this order."),
    )
    extra_links = StreamField(
        [("link", QuickLinkBlock())],
        verbose_name=_("extra quick links"),
        blank=True,
        help_text=_("Shown after the standard links: join, handbook, file a complaint."),
    )
    news_count = models.PositiveSmallIntegerField(_("number of news items"), default=4)
    offers_count = models.PositiveSmallIntegerField(_("number of offers"), default=4)
    topics_count = models.PositiveSmallIntegerField(_("number of forum topics"), default=5)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("hero_title"), FieldPanel("hero_text"), FieldPanel("hero_image")],
            heading=_("Hero"),
        ),
        FieldPanel("body"),
        FieldPanel("featured"),
        FieldPanel("extra_links"),
        FieldRowPanel(
            [FieldPanel("news_count"), FieldPanel("offers_count"), FieldPanel("topics_count")],
            heading=_("How many items to show"),
        ),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.NewsIndexPage",
        "cms.HandbookIndexPage",
        "cms.OfferIndexPage",
        "activities.ActivityIndexPage",
        "surveys.SurveyIndexPage",
        "cms.NewsletterIndexPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The forum's latest topics come from the `home_forum` tag (cms.templatetags).
        context["latest_news"] = list(news_published()[: self.news_count])
        context["offers_today"] = list(
            offers_valid_on(day=timezone.localdate())[: self.offers_count]
        )
        context["handbook_url"] = "/handbook/"
        return context


class NewsCategory(models.TextChoices):
    BRIEFS = "briefs", _("News in brief")
    LIVING = "living", _("Living")
    EVENTS = "events", _("Event recaps")


class NewsIndexPage(RoutablePageMixin, Page):
    """/news/: articles newest first, by category, with RSS and Atom feeds."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    max_count = 1
    per_page = 10

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        category = request.GET.get("category", "")
        if category not in NewsCategory.values:
            category = ""
        articles = news_published(index=self, category=category)
        page_obj = Paginator(articles, self.per_page).get_page(request.GET.get("page"))
        context.update(
            {
                "categories": NewsCategory.choices,
                "category": category,
                "page_obj": page_obj,
                "articles": page_obj.object_list,
            }
        )
        return context

    def articles(self):
        """This index's published articles, newest first (the list and its feeds)."""
        return news_published(index=self)

    @path("rss/")
    def rss_feed(self, request):
        from cms.feeds import NewsRssFeed

        return NewsRssFeed(index=self)(request)

    @path("atom/")
    def atom_feed(self, request):
        from cms.feeds import NewsAtomFeed

        return NewsAtomFeed(index=self)(request)


class NewsPage(LeafAwarePermissionsMixin, Page):
    """A news article (新闻) with cover, date, category and a StreamField body."""

    date = models.DateField(_("date"), default=datetime.date.today, db_index=True)
    category = models.CharField(
        _("category"),
        max_length=10,
        choices=NewsCategory.choices,
        default=NewsCategory.BRIEFS,
        db_index=True,
    )
    summary = models.CharField(
        _("summary"), max_length=200, blank=True, help_text=_("Shown in lists and feeds.")
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

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("date"), FieldPanel("category")]),
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("category"),
        index.FilterField("date"),
    ]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["related"] = news_related(article=self)
        return context


class HandbookIndexPage(RoutablePageMixin, Page):
    """/handbook/: the member handbook (会员手册), a tree of chapters with a printable view."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.HandbookChapterPage"]
    max_count = 1

    class Meta:
        verbose_name = _("member handbook")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["toc"] = handbook_toc(
            chapters=handbook_toc_chapters(handbook=self, user=request.user)
        )
        return context

    @path("print/")
    def print_view(self, request):
        chapters = handbook_chapters(handbook=self, user=request.user, with_body=True)
        return self.render(
            request,
            template="cms/handbook_print.html",
            context_overrides={"chapters": chapters},
        )


class HandbookChapterPage(LeafAwarePermissionsMixin, Page):
    """A chapter of the handbook; members-only chapters (and their sub-chapters) need a login."""

    summary = models.CharField(_("summary"), max_length=200, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    members_only = models.BooleanField(
        _("members only"),
        default=False,
        help_text=_(
            "Visitors are asked to log in; the chapter and its sub-chapters are left out of "
            "the table of contents, search and the sitemap for them."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("members_only"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("members_only"),
    ]
    parent_page_types = ["cms.HandbookIndexPage", "cms.HandbookChapterPage"]
    subpage_types = ["cms.HandbookChapterPage"]

    class Meta:
        verbose_name = _("handbook chapter")
        verbose_name_plural = _("handbook chapters")

    def save(self, *args, **kwargs):
        result = super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "members_only" in update_fields:
            self.sync_members_only_restriction()
        return result

    def sync_members_only_restriction(self) -> None:
        """Mirror the flag as Wagtail's login restriction.

        Wagtail then refuses visitors with a login redirect, and `.public()` (used by the
        sitemap, menus and search indexing) leaves the chapter and its sub-chapters out.
        """
        restrictions = PageViewRestriction.objects.filter(
            page=self, restriction_type=PageViewRestriction.LOGIN
        )
        if self.members_only and not restrictions.exists():
            PageViewRestriction.objects.create(
                page=self, restriction_type=PageViewRestriction.LOGIN
            )
        elif not self.members_only:
            restrictions.delete()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        handbook = self.get_ancestors().type(HandbookIndexPage).last()
        chapters = handbook_chapters(handbook=handbook, user=request.user) if handbook else []
        context.update(handbook_neighbours(chapters=chapters, chapter=self))
        context["handbook"] = handbook
        context["toc"] = handbook_toc(
            chapters=handbook_toc_chapters(handbook=handbook, user=request.user) if handbook else []
        )
        return context


class MerchantCategory(models.TextChoices):
    DINING = "dining", _("Dining")
    SHOPPING = "shopping", _("Shopping")
    TRAVEL = "travel", _("Travel")
    ENTERTAINMENT = "entertainment", _("Entertainment")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")
    HOME_SERVICES = "home_services", _("Home services")
    OTHER = "other", _("Other")


class Merchant(index.Indexed, models.Model):
    """An alliance merchant (联盟商家) with its cooperation agreement and monthly check."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        ENDED = "ended", _("Ended")

    CHECK_INTERVAL_DAYS = 30

    name = models.CharField(_("name"), max_length=80, unique=True)
    category = models.CharField(
        _("category"), max_length=20, choices=MerchantCategory.choices, db_index=True
    )
    city = models.CharField(_("city"), max_length=40, db_index=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    logo = models.ForeignKey(
        IMAGE_MODEL,
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    agreement_start = models.DateField(_("agreement starts"))
    agreement_end = models.DateField(_("agreement ends"), db_index=True)
    qualification_checked_on = models.DateField(
        _("qualification checked on"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Licences and hygiene are checked every month."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("category"), FieldPanel("city")]),
        FieldPanel("address"),
        FieldPanel("phone"),
        FieldPanel("logo"),
        FieldRowPanel(
            [FieldPanel("agreement_start"), FieldPanel("agreement_end")],
            heading=_("Cooperation agreement"),
        ),
        FieldRowPanel([FieldPanel("qualification_checked_on"), FieldPanel("status")]),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("address"),
        index.FilterField("category"),
        index.FilterField("city"),
        index.FilterField("status"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if (
            self.agreement_start
            and self.agreement_end
            and self.agreement_end < self.agreement_start
        ):
            raise ValidationError(
                {"agreement_end": _("The agreement cannot end before it starts.")}
            )

    def is_due_for_check(self, *, today: datetime.date) -> bool:
        if self.qualification_checked_on is None:
            return True
        return self.qualification_checked_on < today - datetime.timedelta(
            days=self.CHECK_INTERVAL_DAYS
        )


class OfferIndexPage(Page):
    """/offers/: offers valid today, filtered by the merchant's category and city."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.OfferPage"]
    max_count = 1
    per_page = 24

    class Meta:
        verbose_name = _("offer index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        category = request.GET.get("category", "")
        if category not in MerchantCategory.values:
            category = ""
        city = request.GET.get("city", "")
        offers = offers_valid_on(
            day=timezone.localdate(), parent=self, category=category, city=city
        )
        page_obj = Paginator(offers, self.per_page).get_page(request.GET.get("page"))
        context.update(
            {
                "page_obj": page_obj,
                "offers": page_obj.object_list,
                "categories": MerchantCategory.choices,
                "cities": offer_cities(parent=self),
                "category": category,
                "city": city,
            }
        )
        return context


class OfferPage(LeafAwarePermissionsMixin, Page):
    """A merchant's offer (商家优惠) for members of the chosen levels, valid between two days."""

    merchant = models.ForeignKey(
        Merchant, verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="offers"
    )
    discount = models.CharField(
        _("discount"), max_length=100, help_text=_("e.g. 会员凭卡享 8.8 折")
    )
    valid_from = models.DateField(_("valid from"), db_index=True)
    valid_to = models.DateField(_("valid to"), db_index=True)
    eligible_levels = ParentalManyToManyField(
        "portal.MemberLevel",
        verbose_name=_("eligible member levels"),
        blank=True,
        related_name="offers",
        help_text=_("Leave empty for every member level."),
    )
    terms = RichTextField(_("terms"), blank=True)
    how_to_redeem = RichTextField(_("how to redeem"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("merchant"),
        FieldPanel("discount"),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_to")]),
        FieldPanel("eligible_levels", widget=forms.CheckboxSelectMultiple),
        FieldPanel("terms"),
        FieldPanel("how_to_redeem"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("discount"),
        index.SearchField("terms"),
        index.RelatedFields("merchant", [index.SearchField("name")]),
        index.FilterField("valid_from"),
        index.FilterField("valid_to"),
    ]
    parent_page_types = ["cms.OfferIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def clean(self):
        super().clean()
        errors = {}
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The offer cannot end before it starts.")
        merchant = Merchant.objects.filter(pk=self.merchant_id).first()
        if merchant and self.valid_to and self.valid_to > merchant.agreement_end:
            errors.setdefault(
                "valid_to",
                _("The offer cannot outlive the merchant's agreement, which ends on %(date)s.")
                % {"date": merchant.agreement_end.isoformat()},
            )
        if errors:
            raise ValidationError(errors)

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day <= self.valid_to

    @property
    def is_expired(self) -> bool:
        return self.valid_to < timezone.localdate()

    @property
    def is_upcoming(self) -> bool:
        return self.valid_from > timezone.localdate()


RELATED_NEWS_COUNT = 3


# --- Reads the pages serve ------------------------------------------------------------------
# Here, beside the page types, so that pages and feeds use them without importing back into a
# module that imports the models (cms.selectors composes them with other areas' data).


def news_published(*, index: NewsIndexPage | None = None, category: str = "") -> QuerySet:
    articles = NewsPage.objects.live().public().select_related("cover_image")
    if index is not None:
        articles = articles.child_of(index)
    if category:
        articles = articles.filter(category=category)
    return articles.order_by("-date", "-first_published_at", "-pk")


def news_related(*, article: NewsPage, limit: int = RELATED_NEWS_COUNT) -> list[NewsPage]:
    """The newest other articles of the same category, then of any category to fill up."""
    same = list(news_published(category=article.category).exclude(pk=article.pk)[:limit])
    if len(same) < limit:
        same += list(
            news_published().exclude(pk__in=[article.pk, *(a.pk for a in same)])[
                : limit - len(same)
            ]
        )
    return same


def handbook_chapters(*, handbook, user, with_body: bool = False) -> list["HandbookChapterPage"]:
    """Live chapters in reading order (depth first); members-only ones only for members."""
    chapters = HandbookChapterPage.objects.live().descendant_of(handbook).order_by("path")
    if not user.is_authenticated:
        chapters = chapters.public()
    if not with_body:
        chapters = chapters.defer_streamfields()
    return list(chapters)


def handbook_toc_chapters(*, handbook, user) -> list["HandbookChapterPage"]:
    """The chapters the table of contents lists: a member's reading order; for a visitor, the
    public chapters and, locked, each members-only chapter they could open after logging in —
    its title only, nothing that lies under it."""
    if user.is_authenticated:
        return handbook_chapters(handbook=handbook, user=user)
    live = HandbookChapterPage.objects.live().descendant_of(handbook)
    public = set(live.public().values_list("pk", flat=True))
    listed_paths = {handbook.path}
    chapters = []
    for chapter in live.order_by("path").defer_streamfields():
        if chapter.path[: -chapter.steplen] not in listed_paths:
            continue
        if chapter.pk in public:
            listed_paths.add(chapter.path)
            chapters.append(chapter)
        elif chapter.members_only:
            chapters.append(chapter)
    return chapters


def merchant_active_q(*, day: datetime.date, prefix: str = "") -> Q:
    """THE rule for an active merchant: status active and the agreement not ended on ``day``.

    ``prefix`` reaches a merchant through a relation (``"merchant__"`` from an offer).
    """
    return Q(**{f"{prefix}status": Merchant.Status.ACTIVE, f"{prefix}agreement_end__gte": day})


def offers_valid_on(
    *,
    day: datetime.date,
    parent: OfferIndexPage | None = None,
    category: str = "",
    city: str = "",
) -> QuerySet:
    offers = (
        OfferPage.objects.live()
        .public()
        .filter(
            merchant_active_q(day=day, prefix="merchant__"),
            valid_from__lte=day,
            valid_to__gte=day,
        )
        .select_related("merchant", "merchant__logo")
        .prefetch_related("eligible_levels")
    )
    if parent is not None:
        offers = offers.child_of(parent)
    if category:
        offers = offers.filter(merchant__category=category)
    if city:
        offers = offers.filter(merchant__city=city)
    return offers.order_by("valid_to", "pk")


def offer_cities(*, parent: OfferIndexPage) -> list[str]:
    return sorted(
        set(
            OfferPage.objects.live()
            .child_of(parent)
            .values_list("merchant__city", flat=True)
            .distinct()
        )
    )


# The publications live in their own module; imported here so Wagtail registers the page types.
from cms.newsletters import NewsletterIndexPage, NewsletterPage  # noqa: E402, F401
