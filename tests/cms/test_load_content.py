"""The load data's merchants, news and offers (cms.loaddata): a valid page tree that renders."""

from dataclasses import replace
from datetime import date

import pytest
from django.utils import timezone
from wagtail.models import Page

from cms import selectors
from cms.loaddata import MIN_MERCHANTS, MIN_NEWS, OFFERS_PER_MERCHANT
from cms.models import (
    Merchant,
    NewsIndexPage,
    NewsPage,
    OfferIndexPage,
    OfferPage,
    news_published,
    offers_valid_on,
)
from portal.loaddata.core import LoadPlan, generate

PLAN = LoadPlan(
    members=80, topics=40, posts=200, seed=3, projects=3, until=date(2026, 1, 1), progress=False
)


@pytest.fixture
def loaded(db):
    return generate(PLAN, write=lambda _line: None)


@pytest.fixture
def loaded_until_today(db):
    """Offers and agreements are relative to the plan's end; the pages show today's."""
    return generate(replace(PLAN, until=None), write=lambda _line: None)


def test_the_page_tree_stays_valid(loaded):
    news_index = NewsIndexPage.objects.get()
    offers_index = OfferIndexPage.objects.get()

    assert Page.find_problems() == ([], [], [], [], [])
    for index, model, count in (
        (news_index, NewsPage, MIN_NEWS),
        (offers_index, OfferPage, round(MIN_MERCHANTS * OFFERS_PER_MERCHANT)),
    ):
        children = model.objects.child_of(index)
        assert children.count() == count == index.numchild
        for page in children:
            assert page.depth == index.depth + 1
            assert page.url_path == f"{index.url_path}{page.slug}/"
            assert page.live and page.first_published_at
            assert page.locale_id == index.locale_id
    keys = Page.objects.values_list("translation_key", "locale")
    assert len(set(keys)) == len(keys)


def test_a_page_added_through_wagtail_after_the_load_lands_after_the_generated_ones(loaded):
    index = NewsIndexPage.objects.get()
    last = NewsPage.objects.child_of(index).order_by("-path").first()

    added = index.add_child(instance=NewsPage(title="编辑部新稿", slug="editorial-new"))

    assert added.path > last.path
    assert Page.find_problems() == ([], [], [], [], [])


def test_merchants_are_unique_realistic_and_mostly_active(loaded):
    today = PLAN.until
    merchants = list(Merchant.objects.all())
    active = selectors.merchants_active(day=today)

    assert len(merchants) == MIN_MERCHANTS
    assert len({m.name for m in merchants}) == len(merchants)
    assert active.count() > len(merchants) / 2
    assert {m.city for m in merchants} <= {p.city for p in loaded.projects}
    for merchant in merchants:
        merchant.full_clean()
        assert merchant.agreement_start < merchant.agreement_end


def test_offers_fit_their_merchants_agreements_most_valid_on_the_last_day(loaded):
    today = PLAN.until
    offers = list(OfferPage.objects.select_related("merchant"))
    valid = offers_valid_on(day=today)

    for offer in offers:
        offer.clean()  # ends after it starts and within the merchant's agreement
        assert offer.discount and offer.terms
    assert len(offers) / 2 < valid.count() < len(offers)
    assert any(offer.valid_to < today for offer in offers)


def test_news_articles_carry_categories_summaries_and_a_stream_body(loaded):
    articles = list(NewsPage.objects.all())

    assert len({a.category for a in articles}) == 3
    for article in articles:
        assert article.summary
        assert article.body[0].block_type == "paragraph"
        assert article.date == timezone.localtime(article.first_published_at).date()
        assert article.date <= PLAN.until


def test_news_index_and_a_generated_article_render(loaded, client):
    newest = news_published().first()

    index = client.get("/news/")
    article = client.get(newest.url)

    assert index.status_code == 200
    assert newest.title in index.content.decode()
    assert article.status_code == 200
    html = article.content.decode()
    assert newest.title in html
    assert newest.summary in html
    assert str(newest.body[0].value) in html


def test_offers_list_shows_the_offers_valid_today(loaded_until_today, client):
    today = timezone.localdate()
    valid = list(offers_valid_on(day=today))
    expired = OfferPage.objects.filter(valid_to__lt=today).first()

    response = client.get("/offers/")

    assert response.status_code == 200
    assert valid
    assert list(response.context["offers"]) == valid
    html = response.content.decode()
    for offer in valid:
        assert offer.title in html
    assert expired is not None
    assert expired.pk not in {o.pk for o in valid}
    assert 'data-testid="offer-expired"' in client.get(expired.url).content.decode()
