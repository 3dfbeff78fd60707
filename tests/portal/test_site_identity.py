"""Mail speaks in the club's name: the Sites framework's site follows settings (not example.com)
and the greeting is Chinese, not "来自example.com的 Hello!" (issue #14)."""

from django.conf import settings
from django.contrib.sites.models import Site
from django.core import mail
from django.test import override_settings
from django.utils import translation

from portal.members.receivers import site_sync
from tests.portal.test_join import SIGNUP


def test_the_site_carries_the_club_name_and_public_address(db):
    site = Site.objects.get_current()

    assert site.name == settings.WAGTAIL_SITE_NAME == "客户会"
    assert site.domain == "127.0.0.1:8000"  # SITE_URL's default
    with override_settings(SITE_URL="https://club.example.com"):
        site_sync(sender=None)
    assert Site.objects.get_current().domain == "club.example.com"


def test_wagtails_site_links_pages_under_the_public_address(db):
    from wagtail.models import Page
    from wagtail.models import Site as WagtailSite

    home = WagtailSite.objects.get(is_default_site=True).root_page
    assert Page.objects.get(pk=home.pk).full_url == "http://127.0.0.1:8000/"  # SITE_URL's default
    with override_settings(SITE_URL="https://club.example.com"):
        site_sync(sender=None)

    site = WagtailSite.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("club.example.com", 443)
    assert Page.objects.get(pk=home.pk).full_url == "https://club.example.com/"
    assert Page.objects.get(pk=home.pk).url == "/"  # one site: links on the site stay relative


def test_the_sign_up_mail_greets_in_the_clubs_name(client, db):
    with translation.override("zh-hans"):
        response = client.post("/accounts/signup/", SIGNUP, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 302
    (message,) = mail.outbox
    assert "您好，这里是客户会！" in message.body
    assert "example.com" not in message.body.replace("newcomer@example.com", "")
    assert "Hello" not in message.body
