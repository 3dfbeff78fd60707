"""Joining asks for consent to the privacy notice, kept with its version and time (issue #14)."""

import datetime

import pytest
from django.utils import timezone

from portal.members.models import MemberProfile, User
from tests.factories import TEST_PASSWORD, UserFactory
from tests.portal.test_join import SIGNUP

pytestmark = pytest.mark.django_db


def test_the_notice_is_at_a_stable_address_with_its_version(client, settings):
    settings.PRIVACY_NOTICE_VERSION = "2027-01"

    page = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "<h1>隐私声明</h1>" in page
    assert 'data-testid="privacy-notice-version">版本 2027-01<' in page
    assert "下载您的全部数据" in page


def test_the_sign_up_form_links_the_notice_and_refuses_to_join_without_consent(client):
    form = client.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'name="privacy_consent"' in form
    assert 'href="/privacy/"' in form

    data = {key: value for key, value in SIGNUP.items() if key != "privacy_consent"}
    response = client.post("/accounts/signup/", data, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    assert "请阅读并同意隐私声明后再加入。" in response.content.decode()
    assert not User.objects.filter(username=SIGNUP["username"]).exists()


def test_joining_keeps_the_version_and_time_of_the_consent(client, settings):
    settings.PRIVACY_NOTICE_VERSION = "2027-01"
    before = timezone.now()

    response = client.post("/accounts/signup/", SIGNUP)

    assert response.status_code == 302
    profile = MemberProfile.objects.get(user__username=SIGNUP["username"])
    assert profile.privacy_consent_version == "2027-01"
    assert before <= profile.privacy_consent_at <= timezone.now()
    assert profile.privacy_consent_at - before < datetime.timedelta(minutes=1)


def test_members_who_joined_before_consent_was_asked_still_log_in(client):
    old = UserFactory(username="old_member")
    profile = MemberProfile.objects.filter(user=old).first()
    assert profile is None or profile.privacy_consent_at is None

    assert client.login(username="old_member", password=TEST_PASSWORD)
    assert client.get("/me/").status_code == 200
