"""The campaign mail as a real SMTP server receives it: both parts, the one-click unsubscribe
headers (RFC 8058), the visible signed link that needs no login, tracked clicks; the newsletter
page type as the mail's content and on the site."""

import re
from email.header import decode_header, make_header

import pytest
from django.test import TestCase
from django.utils import timezone, translation
from wagtail.models import Page

from cms.models import HomePage, NewsIndexPage, NewsletterIndexPage, NewsletterPage, NewsPage
from portal.campaigns.models import CampaignError, Delivery
from portal.campaigns.services import campaign_approve, campaign_submit
from portal.members.models import MemberProfile
from tests.portal.campaigns.conftest import campaign_make, member

pytestmark = pytest.mark.django_db


def parts(message):
    found = {}
    for part in message.walk():
        if part.get_content_maintype() == "text":
            found[part.get_content_type()] = part.get_payload(decode=True).decode(
                part.get_content_charset()
            )
    return found


def unfolded(header) -> str:
    """A long header arrives folded over several lines."""
    return re.sub(r"\s+", "", str(header))


def send(campaign, approver):
    campaign_submit(by=campaign.created_by, campaign=campaign)
    with TestCase.captureOnCommitCallbacks(execute=True):
        campaign_approve(by=approver, campaign=campaign)


@pytest.fixture
def newsletter(db):
    home = HomePage.objects.get()
    news_index = home.get_children().type(NewsIndexPage).first()
    if news_index is None:
        news_index = home.add_child(instance=NewsIndexPage(title="新闻", slug="news-x"))
    article = news_index.add_child(
        instance=NewsPage(title="翠湖会所焕新开放", slug="clubhouse", summary="六月起全天开放")
    )
    archive = home.add_child(instance=NewsletterIndexPage(title="会员月刊", slug="magazine"))
    issue = archive.add_child(
        instance=NewsletterPage(
            title="2026年6月刊",
            slug="2026-06",
            intro="本月看点",
            body=[
                {"type": "heading", "value": "社区新闻"},
                {"type": "news", "value": article.pk},
                {"type": "text", "value": "<p>夏日<b>亲子</b>活动报名中</p>"},
            ],
        )
    )
    issue.save_revision().publish()
    return Page.objects.get(pk=issue.pk).specific


def test_mail_arrives_with_both_parts_and_one_click_unsubscribe(
    client, smtp_server, levels, editor, approver, everyone_segment, newsletter
):
    reader = member("reader", real_name="李雷", city="上海")
    campaign = campaign_make(
        segment=everyone_segment,
        editor=editor,
        newsletter=newsletter,
        subject="{name}，会员月刊六月号",
        mail_body="",
    )

    send(campaign, approver)

    assert len(smtp_server.messages) == 1
    rcpt, message = smtp_server.messages[0]
    assert rcpt == [reader.email]
    assert str(make_header(decode_header(message["Subject"]))) == "李雷，会员月刊六月号"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(r"<(https?://[^>]+)>", unfolded(message["List-Unsubscribe"])).group(
        1
    )
    body = parts(message)
    assert set(body) == {"text/plain", "text/html"}
    assert "翠湖会所焕新开放" in body["text/plain"] and unsubscribe in body["text/plain"]
    html = body["text/html"]
    assert "翠湖会所焕新开放" in html and "<b>亲子</b>" in html and 'style="' in html
    assert unsubscribe in html  # the visible link
    assert "<img" not in html  # no tracking pixel
    tracked = re.findall(r'href="(https?://[^"]+/campaigns/c/[^"]+)"', html)
    assert tracked, "article links go through the signed redirect"

    # Each click is counted and leads where the link pointed (the article, the archive).
    locations = []
    for url in tracked:
        response = client.get("/" + url.split("://", 1)[1].split("/", 1)[1])
        assert response.status_code == 302
        locations.append(response["Location"])
    assert any(location.endswith("/clubhouse/") for location in locations)
    delivery = Delivery.objects.get(member=reader)
    assert delivery.clicked_at is not None and delivery.clicks.count() == len(tracked)

    # One click from the mail program: a POST with the RFC 8058 body, no login, no CSRF token.
    unsubscribe_path = "/" + unsubscribe.split("://", 1)[1].split("/", 1)[1]
    response = client.post(unsubscribe_path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    profile = MemberProfile.objects.get(user=reader)
    assert not (profile.notify_club_news or profile.sms_club_news or profile.notice_club_news)
    delivery.refresh_from_db()
    assert delivery.unsubscribed_at is not None

    # The settings page shows the same preferences, now off.
    client.force_login(reader)
    settings_page = client.get("/me/settings/")
    assert settings_page.context["form"].initial["notify_club_news"] is False


def test_unsubscribe_page_needs_no_login_and_changes_the_same_preferences(
    client, smtp_server, levels, editor, approver, everyone_segment
):
    reader = member("reader2", city="上海", sms_club_news=True)
    send(campaign_make(segment=everyone_segment, editor=editor), approver)
    _rcpt, message = smtp_server.messages[0]
    path = (
        "/" + unfolded(message["List-Unsubscribe"]).strip("<>").split("://", 1)[1].split("/", 1)[1]
    )

    page = client.get(path)  # a GET (link scanners) changes nothing
    assert page.status_code == 200 and b'data-testid="unsubscribe-form"' in page.content
    assert MemberProfile.objects.get(user=reader).notify_club_news is True

    client.post(path, {"sms_club_news": "on", "notice_club_news": "on"})  # mail off, others kept
    profile = MemberProfile.objects.get(user=reader)
    assert (profile.notify_club_news, profile.sms_club_news, profile.notice_club_news) == (
        False,
        True,
        True,
    )
    # Unsubscribed from mail, the next marketing mail would reach nobody: refused.
    with translation.override("en"), pytest.raises(CampaignError, match="reaches nobody"):
        send(campaign_make(segment=everyone_segment, editor=editor, name="七月"), approver)
    assert len(smtp_server.messages) == 1


def test_invalid_tokens_are_refused_with_a_message(client, db):
    for url in ("/campaigns/u/not-a-token/", "/campaigns/c/not-a-token/"):
        response = client.get(url)
        assert response.status_code == 400
        assert b'data-testid="link-invalid"' in response.content
    assert (
        client.post("/campaigns/u/forged:token/", {"List-Unsubscribe": "One-Click"}).status_code
        == 400
    )


def test_newsletter_is_on_the_site_and_previews_as_mail(client, newsletter):
    archive = client.get("/magazine/")
    assert "2026年6月刊" in archive.content.decode()
    issue = client.get("/magazine/2026-06/")
    assert "翠湖会所焕新开放" in issue.content.decode()
    html = newsletter.mail_html(unsubscribe_url="https://u.example/x")
    text = newsletter.mail_text(unsubscribe_url="https://u.example/x")
    assert "https://u.example/x" in html and "https://u.example/x" in text
    assert "<b>亲子</b>" in html and "夏日亲子活动报名中" in text
    assert timezone.now()  # the page renders without a request
