"""Birthdays: greeted once a year (rerun or not), with the birthday points rule, only with the
member's consent; 29 February greeted on 28 February in other years; the birth date checks."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from portal.campaigns.care import birthdays_send
from portal.campaigns.models import BirthdayGreeting
from portal.members.models import MemberProfile, Notice, PointsEntry
from tests.portal.campaigns.conftest import member

pytestmark = pytest.mark.django_db


def test_greeted_once_a_year_with_the_level_gift(birthday_rule, levels):
    silver = member(
        "silver", birth_month=6, birth_day=8, birthday_greetings=True, level=levels["silver"]
    )
    basic = member(
        "basic", birth_month=6, birth_day=8, birthday_greetings=True, level=levels["basic"]
    )
    member("no_consent", birth_month=6, birth_day=8, birthday_greetings=False)
    member("other_day", birth_month=6, birth_day=9, birthday_greetings=True)
    day = datetime.date(2026, 6, 8)

    assert birthdays_send(today=day) == 2
    assert birthdays_send(today=day) == 0  # the daily job run twice

    assert set(BirthdayGreeting.objects.values_list("member__username", "year")) == {
        ("silver", 2026),
        ("basic", 2026),
    }
    assert Notice.objects.filter(kind="birthday").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == [basic.email, silver.email]
    assert (
        PointsEntry.objects.filter(member=silver, rule=birthday_rule, ledger="reward").count() == 1
    )
    assert not PointsEntry.objects.filter(member=basic, rule=birthday_rule).exists()
    assert birthdays_send(today=datetime.date(2027, 6, 8)) == 2  # next year again


def test_leap_day_birthday_is_greeted_on_the_28th(levels):
    member("leap", birth_month=2, birth_day=29, birthday_greetings=True)
    assert birthdays_send(today=datetime.date(2027, 2, 28)) == 1
    assert birthdays_send(today=datetime.date(2028, 2, 28)) == 0
    assert birthdays_send(today=datetime.date(2028, 2, 29)) == 1


def test_daily_command_reports_the_greetings(levels, capsys):
    call_command("campaigns_daily")
    assert "birthdays=0" in capsys.readouterr().out


def test_birth_date_must_be_a_day_of_the_year(levels):
    user = member("x")
    profile = MemberProfile.objects.get(user=user)
    profile.birth_month, profile.birth_day = 2, 30
    with pytest.raises(ValidationError):
        profile.full_clean()
    profile.birth_month, profile.birth_day = 2, None
    with pytest.raises(ValidationError):
        profile.full_clean()


def test_settings_page_saves_birthday_and_consent(client, levels):
    user = member("settings")
    client.force_login(user)
    response = client.post(
        "/me/settings/",
        {"birth_month": 6, "birth_day": 8, "birthday_greetings": "on", "notify_club_news": "on"},
    )
    assert response.status_code == 302
    profile = MemberProfile.objects.get(user=user)
    assert (profile.birth_month, profile.birth_day, profile.birthday_greetings) == (6, 8, True)
    assert profile.sms_club_news is False and profile.notice_club_news is False
