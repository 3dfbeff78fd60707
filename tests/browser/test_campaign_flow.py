"""Issue #21's walk: the editor composes the monthly EDM (a newsletter issue of a news article
and a merchant offer) on the campaigns pages and submits it; the approver, someone else,
approves it, which sends it in-process; the mail arrives at a real SMTP server (aiosmtpd) with
both parts and the one-click unsubscribe headers; the member opens the mail's unsubscribe link
without logging in, and mail from the club is off on the settings page afterwards."""

import re
from email.header import decode_header, make_header

import pytest
from django.contrib.auth.models import Group

from cms.models import (
    HomePage,
    NewsIndexPage,
    NewsletterIndexPage,
    NewsletterPage,
    NewsPage,
    OfferIndexPage,
)
from portal.campaigns import demo
from portal.campaigns.models import Campaign, Delivery, Segment
from portal.members.models import MemberProfile
from tests.browser.conftest import log_in
from tests.cms.conftest import make_merchant, make_offer, publish_child
from tests.factories import TEST_PASSWORD, UserFactory
from tests.portal.campaigns import conftest as campaign_fixtures
from tests.portal.campaigns.test_mail import parts, unfolded

member = campaign_fixtures.member
smtp_server = campaign_fixtures.smtp_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SUBJECT = "{name}，会员月刊六月号"


def newsletter_issue() -> NewsletterPage:
    """The issue the editor composed in Wagtail: a news article and a merchant offer."""
    home = HomePage.objects.get()
    news_index = home.get_children().type(NewsIndexPage).first() or publish_child(
        home, NewsIndexPage(title="新闻", slug="news")
    )
    article = publish_child(
        news_index, NewsPage(title="翠湖会所焕新开放", slug="clubhouse", summary="六月起全天开放")
    )
    offers = home.get_children().type(OfferIndexPage).first() or publish_child(
        home, OfferIndexPage(title="商家优惠", slug="offers")
    )
    offer = make_offer(
        offers, slug="summer-tea", title="夏日茶饮", merchant=make_merchant(name="湖畔茶室")
    )
    archive = publish_child(home, NewsletterIndexPage(title="会员月刊", slug="magazine"))
    return publish_child(
        archive,
        NewsletterPage(
            title="2026年6月刊",
            slug="2026-06",
            intro="本月看点",
            body=[
                {"type": "heading", "value": "社区新闻"},
                {"type": "news", "value": article.pk},
                {"type": "heading", "value": "商家优惠"},
                {"type": "offer", "value": offer.pk},
            ],
        ),
    )


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_editor_composes_approver_approves_mail_arrives_member_unsubscribes(
    page, live_server, settings, smtp_server
):
    settings.SITE_URL = live_server.url  # the mail's links lead to this server
    demo.seed()  # the Editors and Approvers groups get the campaign permissions
    editor = UserFactory(username="c_editor", display_name="编辑小王", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    approver = UserFactory(username="c_approver", display_name="审核老李", is_staff=True)
    approver.groups.add(Group.objects.get(name="Approvers"))
    reader = member("reader", real_name="李雷", city="上海")
    member("elsewhere", real_name="韩梅梅", city="北京")  # outside the segment
    Segment.objects.create(name="上海会员", filters={"cities": ["上海"]})
    issue = newsletter_issue()

    # The editor composes the EDM on the campaigns pages and submits it.
    log_in(page, username=editor.username, password=TEST_PASSWORD)
    page.goto("/campaigns/new/")
    page.fill("#id_name", "六月会员月刊")
    page.select_option("#id_kind", Campaign.Kind.MARKETING.value)
    page.select_option("#id_segment", label="上海会员")
    page.check("#id_send_mail")
    page.fill("#id_subject", SUBJECT)
    page.select_option("#id_newsletter", label=issue.title)
    with page.expect_navigation():
        page.click('[data-testid="campaign-form"] button[type=submit]')
    assert re.search(r"/campaigns/\d+/$", page.url)
    campaign = Campaign.objects.get(name="六月会员月刊")
    assert campaign.created_by == editor and campaign.newsletter_id == issue.pk
    assert page.locator('[data-testid="campaign-status"]').inner_text() == "草稿"
    assert page.locator('[data-testid="campaign-approve"]').count() == 0
    with page.expect_navigation():
        page.click('[data-testid="campaign-submit"]')
    assert page.locator('[data-testid="campaign-status"]').inner_text() == "待审核"
    assert page.locator('[data-testid="campaign-approve"]').count() == 0  # not their own
    assert smtp_server.messages == []
    page.context.clear_cookies()

    # The approver sees it waiting and approves it; the approval request sends it.
    log_in(page, username=approver.username, password=TEST_PASSWORD)
    assert page.locator('[data-testid="nav-campaigns"] .badge').inner_text() == "1"
    page.goto(f"/campaigns/{campaign.pk}/")
    with page.expect_navigation():
        page.click('[data-testid="campaign-approve"]')
    assert page.locator('[data-testid="campaign-status"]').inner_text() == "已发送"
    mail_row = page.locator('[data-testid="stats-mail"] td')
    assert mail_row.all_inner_texts()[1:3] == ["1", "1"]  # recipients, sent
    campaign.refresh_from_db()
    assert (campaign.status, campaign.approved_by) == (Campaign.Status.SENT, approver)
    delivery = Delivery.objects.get(campaign=campaign)
    assert (delivery.member_id, delivery.status) == (reader.pk, Delivery.Status.SENT)
    page.context.clear_cookies()

    # The mail as the SMTP server received it.
    assert len(smtp_server.messages) == 1
    rcpt, message = smtp_server.messages[0]
    assert rcpt == [reader.email]
    assert str(make_header(decode_header(message["Subject"]))) == "李雷，会员月刊六月号"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(r"<(https?://[^>]+)>", unfolded(message["List-Unsubscribe"]))[1]
    assert unsubscribe.startswith(f"{live_server.url}/campaigns/u/")
    body = parts(message)
    assert set(body) == {"text/plain", "text/html"}
    for text in ("翠湖会所焕新开放", "六月起全天开放", "夏日茶饮：会员 8.8 折", unsubscribe):
        assert text in body["text/plain"] and text in body["text/html"]
    assert 'style="' in body["text/html"] and "<img" not in body["text/html"]

    # The member opens the link from the mail, not logged in: mail is on until they choose.
    page.goto(unsubscribe)
    form = page.locator('[data-testid="unsubscribe-form"]')
    assert form.locator("input[name=notify_club_news]").is_checked()
    assert MemberProfile.objects.get(user=reader).notify_club_news is True
    form.locator("input[name=notify_club_news]").uncheck()
    with page.expect_navigation():
        page.click('[data-testid="unsubscribe-save"]')
    assert page.locator('[data-testid="unsubscribe-saved"]').is_visible()
    assert not form.locator("input[name=notify_club_news]").is_checked()
    profile = MemberProfile.objects.get(user=reader)
    assert profile.notify_club_news is False and profile.notice_club_news is True
    delivery.refresh_from_db()
    assert delivery.unsubscribed_at is not None

    # The settings page shows the same preference, off.
    log_in(page, username=reader.username, password=TEST_PASSWORD)
    page.goto("/me/settings/")
    assert not page.locator("input[name=notify_club_news]").is_checked()
    assert page.locator("input[name=notice_club_news]").is_checked()
    page.context.clear_cookies()

    # The editor's statistics count the unsubscription.
    log_in(page, username=editor.username, password=TEST_PASSWORD)
    page.goto(f"/campaigns/{campaign.pk}/")
    assert page.locator('[data-testid="stats-mail"] td').all_inner_texts()[7] == "1"
