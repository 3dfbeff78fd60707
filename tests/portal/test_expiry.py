import datetime
import io

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from portal.members.models import MemberProfile, PointsEntry, PointsExpiryNotice
from portal.members.points import points_balance, points_expire, points_expiry_notify

YEAR_END = datetime.date(2026, 12, 31)


def entry(member, amount, key, *, on):
    return PointsEntry.objects.create(
        member=member,
        ledger="reward",
        amount=amount,
        reason="活动",
        idempotency_key=key,
        created_at=timezone.make_aware(datetime.datetime.combine(on, datetime.time(12))),
    )


def test_points_older_than_the_period_expire_by_a_ledger_entry(member, settings):
    settings.POINTS_EXPIRY_MONTHS = 24
    entry(member, 300, "old", on=datetime.date(2024, 6, 1))
    entry(member, 200, "new", on=datetime.date(2026, 3, 1))

    result = points_expire(on=YEAR_END)

    assert result == {"members": 1, "points": 300}
    assert points_balance(member=member, ledger="reward") == 200
    expiry = PointsEntry.objects.get(member=member, amount__lt=0)
    assert expiry.amount == -300
    assert "年终结转" in expiry.reason


def test_spent_points_are_taken_from_the_oldest_first(member, settings):
    settings.POINTS_EXPIRY_MONTHS = 24
    entry(member, 300, "old", on=datetime.date(2024, 6, 1))
    entry(member, -250, "spent", on=datetime.date(2025, 1, 1))
    entry(member, 200, "new", on=datetime.date(2026, 3, 1))

    points_expire(on=YEAR_END)

    assert points_balance(member=member, ledger="reward") == 200


def test_running_the_carry_over_twice_expires_nothing_more(member, settings):
    settings.POINTS_EXPIRY_MONTHS = 24
    entry(member, 300, "old", on=datetime.date(2024, 6, 1))

    points_expire(on=YEAR_END)
    second = points_expire(on=YEAR_END)

    assert second == {"members": 0, "points": 0}
    assert points_balance(member=member, ledger="reward") == 0


def test_upgrade_points_never_expire(member, settings):
    settings.POINTS_EXPIRY_MONTHS = 24
    PointsEntry.objects.create(
        member=member, ledger="upgrade", amount=500, reason="活动", idempotency_key="u",
        created_at=timezone.make_aware(datetime.datetime(2020, 1, 1)),
    )  # fmt: skip

    points_expire(on=YEAR_END)

    assert points_balance(member=member, ledger="upgrade") == 500


def test_members_are_told_a_month_before_once(member, other_member, settings):
    settings.POINTS_EXPIRY_MONTHS = 24
    entry(member, 300, "old", on=datetime.date(2024, 6, 1))
    entry(other_member, 300, "old2", on=datetime.date(2024, 6, 1))
    MemberProfile.objects.filter(user=other_member).update(notify_points=False)

    first = points_expiry_notify(on=YEAR_END)
    again = points_expiry_notify(on=YEAR_END)

    assert (first, again) == (1, 0)
    assert PointsExpiryNotice.objects.filter(member=member).count() == 1
    assert not PointsExpiryNotice.objects.filter(member=other_member).exists()


def test_expiry_command_sends_notices_after_commit(
    member, settings, django_capture_on_commit_callbacks
):
    settings.POINTS_EXPIRY_MONTHS = 24
    entry(member, 300, "old", on=datetime.date(2024, 6, 1))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("points_carry_over", "--notify", "--date", "2026-12-31", stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("points_carry_over", "--notify", "--date", "2026-12-31", stdout=io.StringIO())

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert "300" in mail.outbox[0].subject
    assert "2026-12-31" in mail.outbox[0].body
    assert points_balance(member=member, ledger="reward") == 300


def test_expiry_command_expires(member, settings):
    settings.POINTS_EXPIRY_MONTHS = 24
    entry(member, 300, "old", on=datetime.date(2024, 6, 1))

    call_command("points_carry_over", "--date", "2026-12-31", stdout=io.StringIO())

    assert points_balance(member=member, ledger="reward") == 0
