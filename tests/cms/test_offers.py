import re

import pytest
from django.core.exceptions import ValidationError

from cms.models import MerchantCategory, OfferPage
from portal.members.models import MemberLevel
from tests.cms.conftest import days, make_merchant, make_offer


@pytest.fixture
def cafe(db):
    return make_merchant(name="湖畔咖啡", category=MerchantCategory.DINING, city="上海", end=200)


@pytest.fixture
def gym(db):
    return make_merchant(name="乐活健身", category=MerchantCategory.HEALTH, city="杭州", end=200)


def test_offer_cannot_end_before_it_starts(cafe):
    offer = OfferPage(title="买一送一", slug="bogo", merchant=cafe, discount="买一送一",
                      valid_from=days(5), valid_to=days(1))  # fmt: skip

    with pytest.raises(ValidationError) as error:
        offer.clean()

    assert error.value.message_dict["valid_to"] == ["优惠的结束日期不能早于开始日期。"]


def test_offer_cannot_outlive_the_merchant_agreement(cafe):
    offer = OfferPage(title="全年优惠", slug="all-year", merchant=cafe, discount="9 折",
                      valid_from=days(0), valid_to=days(201))  # fmt: skip

    with pytest.raises(ValidationError) as error:
        offer.clean()

    expected = f"优惠不能超出商家合作协议的期限（协议于 {cafe.agreement_end.isoformat()} 到期）。"
    assert error.value.message_dict["valid_to"] == [expected]


def test_offer_within_the_agreement_is_valid(cafe):
    offer = OfferPage(title="会员日", slug="member-day", merchant=cafe, discount="8.8 折",
                      valid_from=days(0), valid_to=days(200))  # fmt: skip

    offer.clean()


def test_merchant_agreement_cannot_end_before_it_starts(db):
    with pytest.raises(ValidationError) as error:
        make_merchant(name="倒签商家", start=10, end=5)

    assert "agreement_end" in error.value.message_dict


def test_listing_shows_only_offers_valid_today(client, offer_index, cafe):
    make_offer(offer_index, slug="current", title="当前优惠", merchant=cafe, start=-1, end=1)
    make_offer(offer_index, slug="ends-today", title="今天截止", merchant=cafe, start=-5, end=0)
    make_offer(offer_index, slug="expired", title="过期优惠", merchant=cafe, start=-9, end=-1)
    make_offer(offer_index, slug="upcoming", title="未开始优惠", merchant=cafe, start=1, end=9)

    text = client.get("/offers/").text

    assert "当前优惠" in text and "今天截止" in text
    assert "过期优惠" not in text
    assert "未开始优惠" not in text


def test_listing_hides_offers_of_suspended_merchants(client, offer_index, cafe):
    suspended = make_merchant(name="暂停合作商家", status="suspended")
    make_offer(offer_index, slug="paused", title="暂停商家的优惠", merchant=suspended)
    make_offer(offer_index, slug="coffee", title="咖啡 8.8 折", merchant=cafe)

    text = client.get("/offers/").text

    assert "咖啡 8.8 折" in text
    assert "暂停商家的优惠" not in text


def test_listing_filters_by_category_and_city(client, offer_index, cafe, gym):
    make_offer(offer_index, slug="coffee", title="咖啡 8.8 折", merchant=cafe)
    make_offer(offer_index, slug="fitness", title="健身体验周", merchant=gym)

    by_category = client.get("/offers/?category=health").text
    by_city = client.get("/offers/", {"city": "上海"}).text
    both = client.get("/offers/", {"city": "上海", "category": "health"}).text

    assert "健身体验周" in by_category and "咖啡 8.8 折" not in by_category
    assert "咖啡 8.8 折" in by_city and "健身体验周" not in by_city
    assert "咖啡 8.8 折" not in both and "健身体验周" not in both
    assert 'class="cms-empty"' in both and 'class="cms-empty"' not in by_city
    assert "没有符合条件的今日有效优惠" in both


def test_offer_page_shows_merchant_terms_and_levels(client, offer_index, cafe):
    gold = MemberLevel.objects.get(code="gold")
    platinum = MemberLevel.objects.get(code="platinum")
    make_offer(offer_index, slug="coffee", title="咖啡 8.8 折", merchant=cafe,
               levels=[gold, platinum])  # fmt: skip

    response = client.get("/offers/coffee/")

    text = response.text
    assert response.status_code == 200
    assert "咖啡 8.8 折：会员 8.8 折" in text
    assert "湖畔咖啡" in text
    assert "金卡、白金卡" in text
    assert "不与其他优惠同享" in text and "到店出示会员码" in text
    assert 'data-testid="offer-expired"' not in text
    make_offer(offer_index, slug="old", title="旧优惠", merchant=cafe, start=-9, end=-1)
    expired = client.get("/offers/old/").text
    assert 'data-testid="offer-expired"' in expired
    assert f"该优惠已于 {days(-1).isoformat()} 过期" in expired


def test_expired_offer_page_says_it_expired(client, offer_index, cafe):
    offer = make_offer(offer_index, slug="spring", title="春季早鸟价", merchant=cafe,
                       start=-30, end=-2)  # fmt: skip

    response = client.get("/offers/spring/")

    assert response.status_code == 200
    assert f"该优惠已于 {offer.valid_to.isoformat()} 过期。" in response.text
    assert "春季早鸟价" in response.text


def test_offer_is_valid_on_its_first_and_last_day(cafe):
    offer = OfferPage(merchant=cafe, valid_from=days(0), valid_to=days(3))

    assert offer.is_valid_on(days(0)) and offer.is_valid_on(days(3))
    assert not offer.is_valid_on(days(4)) and not offer.is_valid_on(days(-1))


def test_listing_pages_keep_the_filters(client, offer_index, cafe, gym, monkeypatch):
    from cms.models import OfferIndexPage

    monkeypatch.setattr(OfferIndexPage, "per_page", 2)
    for n in range(3):
        make_offer(offer_index, slug=f"coffee-{n}", title=f"咖啡优惠{n}", merchant=cafe, end=n + 1)
    make_offer(offer_index, slug="fitness", title="健身体验周", merchant=gym)

    first = client.get("/offers/", {"city": "上海"}).text
    second = client.get("/offers/", {"city": "上海", "page": 2}).text

    assert "咖啡优惠0" in first and "咖啡优惠1" in first and "咖啡优惠2" not in first
    next_link = re.search(r'href="([^"]*page=2[^"]*)" rel="next"', first)
    assert next_link and "city=" in next_link.group(1)
    assert "咖啡优惠2" in second and "健身体验周" not in second
    assert "第 2 页，共 2 页" in second
