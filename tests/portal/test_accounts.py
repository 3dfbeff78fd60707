import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache

from tests.factories import TEST_PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()


@pytest.mark.parametrize("login", ["owner9", "owner9@example.com"])
def test_member_logs_in_with_username_or_email(client, db, login):
    UserFactory(username="owner9", display_name="九号业主")

    response = client.post("/accounts/login/", {"login": login, "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert "九号业主" in client.get("/").text


def test_wrong_password_is_refused_with_a_message(client, db):
    UserFactory(username="owner9")

    response = client.post("/accounts/login/", {"login": "owner9", "password": "wrong"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "不正确" in response.text


def test_signup_sends_a_verification_mail_and_blocks_login_until_verified(client, db, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"

    response = client.post(
        "/accounts/signup/",
        {
            "username": "newcomer",
            "email": "newcomer@example.com",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
            # the join form (portal.members.forms.JoinForm) is part of sign-up
            "real_name": "新会员",
            "mobile": "13912345678",
            "city": "上海",
            "privacy_consent": "on",
        },
    )

    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    assert len(mail.outbox) == 1
    assert "newcomer@example.com" in mail.outbox[0].to
    assert not EmailAddress.objects.get(email="newcomer@example.com").verified
    assert "_auth_user_id" not in client.session


def test_failed_logins_are_rate_limited(client, db):
    UserFactory(username="owner9")
    for _attempt in range(5):
        client.post("/accounts/login/", {"login": "owner9", "password": "wrong"})

    response = client.post("/accounts/login/", {"login": "owner9", "password": TEST_PASSWORD})

    assert "_auth_user_id" not in client.session
    assert "登录失败次数过多" in response.text


def test_password_reset_mails_a_link(client, db):
    UserFactory(username="owner9")

    response = client.post("/accounts/password/reset/", {"email": "owner9@example.com"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_personal_center_requires_login_and_shows_the_member(client, member):
    assert client.get("/me/").status_code == 302

    client.force_login(member)
    response = client.get("/me/")

    assert response.status_code == 200
    assert "热心会员" in response.text
    assert member.email in response.text


def test_logout_ends_the_session(client, member):
    client.force_login(member)

    client.post("/accounts/logout/")

    assert "_auth_user_id" not in client.session
