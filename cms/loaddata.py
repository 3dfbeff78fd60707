"""Load data step for the CMS: alliance merchants, news articles and merchant offers.

Appended to ``portal.loaddata.core.LOAD_STEPS``. The news index and the offers index are created
through Wagtail's API when missing (as ``seed_demo`` creates them, same slugs and titles); the
articles and offers below them are written in bulk like the forum: ``wagtailcore_page`` rows
with their treebeard materialised paths (after the parent's last child), depth, url path,
content type, locale and a translation key each, then the page type's own table with the same
keys, then the parent's ``numchild`` in one UPDATE. No revision per page and no signal: nothing
is indexed for search (``search_reindex`` does it afterwards) and Wagtail's tree stays valid
(``Page.find_problems()`` finds nothing; a test checks it).

Dates are relative to the plan's end (``--until``, today by default): merchants' agreements are
mostly running (some end within a month, some ended), most offers are valid that day (some
expired, some upcoming), and news runs about two articles a day back from it.
"""

import json
import math
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone
from wagtail.models import Page

from cms.demo import HOW_TO_REDEEM, SECTIONS, child_page_ensure
from cms.models import HomePage, Merchant, NewsIndexPage, NewsPage, OfferIndexPage, OfferPage
from portal.loaddata import cms_text as loadtext
from portal.loaddata import text as portal_loadtext
from portal.loaddata.core import (
    DAY,
    HISTORY_DAYS,
    LoadContext,
    LoadDataError,
    next_id,
    reset_sequences,
)
from portal.members.models import MemberLevel

MEMBERS_PER_MERCHANT = 250
MIN_MERCHANTS = 20
NEWS_PER_DAY = 2
MEMBERS_PER_ARTICLE = 50
MIN_NEWS = 30
OFFERS_PER_MERCHANT = 1.5
# Merchant agreements: running, ending within 30 days, ended (and marked so), ended but still
# marked active (staff have not caught up: shown nowhere), suspended.
MERCHANT_STATES = ("running", "ending", "ended", "lapsed", "suspended")
MERCHANT_STATE_CUM = tuple(accumulate((80, 8, 6, 3, 3)))
OFFER_STATES = ("current", "expired", "upcoming")
OFFER_STATE_CUM = tuple(accumulate((75, 15, 10)))


def _uuid(rng) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def content(ctx: LoadContext) -> None:
    """Merchants, news articles and offers, over the CMS's real models."""
    rng = ctx.rng("content")
    today = ctx.plan.end().date()
    news_index = _index_ensure(NewsIndexPage, "news")
    offers_index = _index_ensure(OfferIndexPage, "offers")
    merchants = _merchants(ctx, rng, today)
    _news(ctx, rng, news_index)
    _offers(ctx, rng, offers_index, merchants, today)


def _index_ensure(model, slug: str) -> Page:
    """The section page, created (and published) through Wagtail as seed_demo does if missing."""
    index = model.objects.first()
    if index is None:
        home = HomePage.objects.first()
        if home is None:
            raise LoadDataError("No home page: run migrate first.")
        title, intro = next((t, i) for m, s, t, i in SECTIONS if m is model and s == slug)
        index = child_page_ensure(
            parent=home, model=model, slug=slug, title=title, intro=intro, seo_title=title
        )
    return Page.objects.get(pk=index.pk)  # the tree columns as they are now


# --- Merchants ------------------------------------------------------------------------------


def _merchants(ctx: LoadContext, rng, today) -> list[Merchant]:
    count = max(MIN_MERCHANTS, ctx.plan.members // MEMBERS_PER_MERCHANT)
    cities = [project.city for project in ctx.projects] or list(portal_loadtext.CITIES)
    categories = list(loadtext.CATEGORY_WEIGHTS)
    category_cum = list(accumulate(loadtext.CATEGORY_WEIGHTS.values()))
    taken = set(Merchant.objects.values_list("name", flat=True))
    first = next_id(Merchant)
    merchants = []
    for n in range(count):
        category = rng.choices(categories, cum_weights=category_cum)[0]
        city = rng.choice(cities)
        name = loadtext.merchant_name(rng, category)
        while name in taken:  # a chain: the branch is named by its district
            district = rng.choice(portal_loadtext.DISTRICTS.get(city, ("新区",)))
            name = f"{loadtext.merchant_name(rng, category)}（{district}店）"
        taken.add(name)
        state = rng.choices(MERCHANT_STATES, cum_weights=MERCHANT_STATE_CUM)[0]
        if state in ("ended", "lapsed"):
            end = today - timedelta(days=rng.randint(1, 365))
            start = end - timedelta(days=rng.randint(180, 730))
        else:
            start = today - timedelta(days=rng.randint(60, 3 * 365))
            ahead = rng.randint(3, 30) if state == "ending" else rng.randint(31, 730)
            end = today + timedelta(days=ahead)
        last_day = min(today, end)
        roll = rng.random()
        checked = (
            last_day - timedelta(days=rng.randint(0, 29))
            if roll < 0.8
            else last_day - timedelta(days=rng.randint(31, 120))
            if roll < 0.95
            else None
        )
        status = {
            "ended": Merchant.Status.ENDED,
            "suspended": Merchant.Status.SUSPENDED,
        }.get(state, Merchant.Status.ACTIVE)
        merchants.append(
            Merchant(
                pk=first + n,
                name=name,
                category=category,
                city=city,
                address=portal_loadtext.address(rng, city),
                phone=loadtext.phone(rng, city),
                agreement_start=start,
                agreement_end=end,
                qualification_checked_on=checked,
                status=status,
            )
        )
    fields = [
        "id", "name", "category", "city", "address", "phone", "agreement_start", "agreement_end",
        "qualification_checked_on", "status",
    ]  # fmt: skip
    rows = (tuple(getattr(m, f if f != "id" else "pk") for f in fields) for m in merchants)
    with ctx.progress(count, "merchants") as bar:
        ctx.writer(Merchant, fields).write(rows, bar)
    reset_sequences(Merchant)
    ctx.counts["merchants"] = count
    ctx.counts["merchants active"] = sum(
        1 for m in merchants if m.status == Merchant.Status.ACTIVE and m.agreement_end >= today
    )
    return merchants


# --- Pages ----------------------------------------------------------------------------------


def _pages_write(ctx: LoadContext, rng, *, parent: Page, model, pages: list[dict], fields):
    """Write ``pages`` (in order) as live children of ``parent``; returns their ids.

    Each page dict has ``slug``, ``title``, ``published`` (datetime), ``description`` and
    ``values`` (the page type's own ``fields``, in order).
    """
    content_type = ContentType.objects.get_for_model(model).pk
    owner = ctx.staff["bench_admin"].pk
    first = next_id(Page)
    last_child = parent.get_last_child()
    position = Page._str2int(last_child.path[-Page.steplen :]) + 1 if last_child else 1
    depth = parent.depth + 1
    if position + len(pages) > len(Page.alphabet) ** Page.steplen:
        raise LoadDataError(f"Too many pages under {parent.url_path} for Wagtail's tree.")

    def page_rows():
        for n, page in enumerate(pages):
            yield (
                first + n,
                Page._get_path(parent.path, depth, position + n),
                depth,
                0,
                _uuid(rng),
                parent.locale_id,
                True,
                False,
                page["published"],
                page["published"],
                page["title"],
                page["title"],
                page["slug"],
                content_type,
                f"{parent.url_path}{page['slug']}/",
                owner,
                page["description"],
            )

    page_fields = [
        "id", "path", "depth", "numchild", "translation_key", "locale", "live",
        "has_unpublished_changes", "first_published_at", "last_published_at", "title",
        "draft_title", "slug", "content_type", "url_path", "owner", "search_description",
    ]  # fmt: skip
    name = model._meta.verbose_name_plural
    with ctx.progress(len(pages), f"{name} (pages)") as bar:
        ctx.writer(Page, page_fields).write(page_rows(), bar)
    rows = ((first + n, *page["values"]) for n, page in enumerate(pages))
    with ctx.progress(len(pages), str(name)) as bar:
        ctx.writer(model, ["page_ptr", *fields]).write(rows, bar)
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
    reset_sequences(Page)
    return range(first, first + len(pages))


def _free_slug(slug: str, taken: set) -> str:
    candidate, n = slug, 1
    while candidate in taken:
        n += 1
        candidate = f"{slug}-{n}"
    taken.add(candidate)
    return candidate


# --- News -----------------------------------------------------------------------------------


def _news(ctx: LoadContext, rng, index: Page) -> None:
    count = max(MIN_NEWS, min(NEWS_PER_DAY * HISTORY_DAYS, ctx.plan.members // MEMBERS_PER_ARTICLE))
    span = min(HISTORY_DAYS, math.ceil(count / NEWS_PER_DAY)) * DAY
    end = ctx.plan.end().timestamp()
    projects = [(p.name, p.city) for p in ctx.projects] or [("客户会", "上海")]
    categories = [c for c, _w in loadtext.CATEGORY_CUM]
    category_cum = list(accumulate(w for _c, w in loadtext.CATEGORY_CUM))
    stamps = sorted(end - rng.uniform(0, span) for _ in range(count))
    taken = set(index.get_children().values_list("slug", flat=True))
    pages = []
    for stamp in stamps:
        published = datetime.fromtimestamp(stamp, tz=UTC)
        day = timezone.localtime(published).date()
        category = rng.choices(categories, cum_weights=category_cum)[0]
        slots = loadtext.news_slots(rng, day, projects)
        title, summary, blocks = loadtext.news_article(rng, category, slots)
        body = [{"type": kind, "value": value, "id": str(_uuid(rng))} for kind, value in blocks]
        pages.append(
            {
                "slug": _free_slug(day.strftime("%Y%m%d"), taken),
                "title": title,
                "published": published,
                "description": summary,
                "values": (day, category, summary, body),
            }
        )
    _pages_write(
        ctx, rng, parent=index, model=NewsPage, pages=pages,
        fields=["date", "category", "summary", "body"],
    )  # fmt: skip
    ctx.counts["news articles"] = count


# --- Offers ---------------------------------------------------------------------------------


def _offer_window(rng, merchant: Merchant, today):
    """(valid_from, valid_to) inside the merchant's agreement: mostly valid today."""
    start, end = merchant.agreement_start, merchant.agreement_end
    state = "expired" if end < today else rng.choices(OFFER_STATES, cum_weights=OFFER_STATE_CUM)[0]
    if state == "upcoming":
        valid_from = today + timedelta(days=rng.randint(3, 30))
        valid_to = min(valid_from + timedelta(days=rng.randint(30, 120)), end)
        if valid_to >= valid_from:
            return valid_from, valid_to
        state = "current"
    if state == "expired":
        valid_to = min(end, today - timedelta(days=1)) - timedelta(days=rng.randint(0, 200))
        valid_from = valid_to - timedelta(days=rng.randint(14, 120))
        if valid_from >= start:
            return valid_from, valid_to
        state = "current"
    valid_from = max(start, today - timedelta(days=rng.randint(1, 90)))
    valid_to = min(end, today + timedelta(days=rng.randint(7, 180)))
    return valid_from, valid_to


def _offers(ctx: LoadContext, rng, index: Page, merchants: list[Merchant], today) -> None:
    count = round(len(merchants) * OFFERS_PER_MERCHANT)
    levels = list(MemberLevel.objects.order_by("rank"))
    taken = set(index.get_children().values_list("slug", flat=True))
    end = ctx.plan.end()
    drafts = []
    for n in range(count):
        merchant = merchants[n] if n < len(merchants) else rng.choice(merchants)
        valid_from, valid_to = _offer_window(rng, merchant, today)
        suffix, discount, terms = loadtext.offer_text(rng, merchant.category)
        published = min(
            datetime(valid_from.year, valid_from.month, valid_from.day, tzinfo=UTC)
            - timedelta(days=rng.uniform(1, 10)),
            end - timedelta(hours=1),
        )
        roll = rng.random()
        eligible = levels[2:] if roll < 0.1 else levels[1:] if roll < 0.3 else []
        drafts.append(
            (published, merchant, suffix, discount, terms, valid_from, valid_to, eligible)
        )
    drafts.sort(key=lambda draft: (draft[0], draft[1].pk))
    pages = [
        {
            "slug": _free_slug(f"offer-{n + 1:05d}", taken),
            "title": f"{merchant.name}{suffix}",
            "published": published,
            "description": discount,
            "values": (merchant.pk, discount, valid_from, valid_to, terms, HOW_TO_REDEEM),
        }
        for n, (published, merchant, suffix, discount, terms, valid_from, valid_to, _e) in (
            enumerate(drafts)
        )
    ]
    ids = _pages_write(
        ctx, rng, parent=index, model=OfferPage, pages=pages,
        fields=["merchant", "discount", "valid_from", "valid_to", "terms", "how_to_redeem"],
    )  # fmt: skip
    through = OfferPage.eligible_levels.through
    first = next_id(through)
    links = [
        (page_id, level.pk)
        for page_id, draft in zip(ids, drafts, strict=True)
        for level in draft[-1]
    ]
    rows = ((first + n, page_id, level) for n, (page_id, level) in enumerate(links))
    with ctx.progress(len(links), "offers' member levels") as bar:
        ctx.writer(through, ["id", "offerpage", "memberlevel"]).write(rows, bar)
    reset_sequences(through)
    ctx.counts["offers"] = count
    ctx.counts["offers valid today"] = sum(
        1 for d in drafts if d[5] <= today <= d[6] and d[1].status == Merchant.Status.ACTIVE
    )


# --- Fingerprint ----------------------------------------------------------------------------


def fingerprint_rows() -> Iterable[tuple]:
    yield from (
        Merchant.objects.order_by("name")
        .values_list(
            "name", "category", "city", "address", "phone", "agreement_start", "agreement_end",
            "qualification_checked_on", "status",
        )
        .iterator()
    )  # fmt: skip
    for page in NewsPage.objects.order_by("url_path").iterator():
        yield (
            page.url_path, page.title, page.date, page.category, page.summary,
            page.first_published_at, json.dumps(list(page.body.raw_data), ensure_ascii=False),
        )  # fmt: skip
    offers = OfferPage.objects.select_related("merchant").prefetch_related("eligible_levels")
    for page in offers.order_by("url_path").iterator(chunk_size=2000):
        yield (
            page.url_path, page.title, page.merchant.name, page.discount, page.valid_from,
            page.valid_to, page.terms, page.first_published_at,
            tuple(sorted((level.rank, level.code) for level in page.eligible_levels.all())),
        )  # fmt: skip
