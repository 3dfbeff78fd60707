import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import Page
from wagtail.rich_text import RichText

from cms.models import (
    HandbookChapterPage,
    HandbookIndexPage,
    HomePage,
    Merchant,
    MerchantCategory,
    NewsCategory,
    NewsIndexPage,
    NewsPage,
    OfferIndexPage,
    OfferPage,
)
from tests.factories import UserFactory


def publish_child(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def home(db):
    return HomePage.objects.get()


@pytest.fixture
def news_index(home):
    return publish_child(home, NewsIndexPage(title="新闻早知道", slug="news", intro="最新消息"))


@pytest.fixture
def handbook(home):
    return publish_child(home, HandbookIndexPage(title="会员手册", slug="handbook"))


@pytest.fixture
def offer_index(home):
    return publish_child(home, OfferIndexPage(title="商家优惠", slug="offers"))


def make_article(index, *, slug, title, category=NewsCategory.BRIEFS, days_ago=0, body=None):
    return publish_child(
        index,
        NewsPage(
            title=title,
            slug=slug,
            category=category,
            date=days(-days_ago),
            summary=f"{title}的摘要",
            body=body or [("paragraph", RichText(f"<p>{title}的正文</p>"))],
        ),
    )


def make_chapter(parent, *, slug, title, members_only=False, text=None):
    return publish_child(
        parent,
        HandbookChapterPage(
            title=title,
            slug=slug,
            members_only=members_only,
            body=[("paragraph", RichText(f"<p>{text or title + '的内容'}</p>"))],
        ),
    )


@pytest.fixture
def chapters(handbook):
    """会员章程, 会员等级与权益 (with a sub-chapter), 积分规则 (members only), 隐私政策."""
    charter = make_chapter(handbook, slug="charter", title="会员章程")
    levels = make_chapter(handbook, slug="levels", title="会员等级与权益")
    benefits = make_chapter(levels, slug="benefits", title="各等级权益一览")
    points = make_chapter(
        handbook, slug="points", title="积分规则", members_only=True, text="推荐入会得500积分"
    )
    points_detail = make_chapter(points, slug="expiry", title="积分有效期", text="24个月清零")
    privacy = make_chapter(handbook, slug="privacy", title="隐私政策")
    return {
        "charter": charter,
        "levels": levels,
        "benefits": benefits,
        "points": points,
        "points_detail": points_detail,
        "privacy": privacy,
    }


def make_merchant(*, name, category=MerchantCategory.DINING, city="上海", start=-100, end=200,
                  checked=0, status=Merchant.Status.ACTIVE) -> Merchant:  # fmt: skip
    merchant = Merchant(
        name=name,
        category=category,
        city=city,
        agreement_start=days(start),
        agreement_end=days(end),
        qualification_checked_on=None if checked is None else days(-checked),
        status=status,
    )
    merchant.full_clean()
    merchant.save()
    return merchant


def make_offer(index, *, slug, title, merchant, start=-10, end=10, levels=()):
    return publish_child(
        index,
        OfferPage(
            title=title,
            slug=slug,
            merchant=merchant,
            discount=f"{title}：会员 8.8 折",
            valid_from=days(start),
            valid_to=days(end),
            eligible_levels=list(levels),
            terms="<p>不与其他优惠同享</p>",
            how_to_redeem="<p>到店出示会员码</p>",
        ),
    )


@pytest.fixture
def editor(db):
    user = UserFactory(username="editor", display_name="编辑小王")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def approver(db):
    user = UserFactory(username="approver", display_name="审核老李")
    user.groups.add(Group.objects.get(name="Approvers"))
    return user
