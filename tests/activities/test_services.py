import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from portal.activities.models import ActivityPage, Circle, Signup
from portal.activities.selectors import eligibility_refusal, signup_state
from portal.activities.services import (
    ActivityError,
    activity_cancel,
    activity_changes_announce,
    activity_check_in,
    activity_rate,
    activity_record_no_shows,
    activity_reminders_send,
    activity_sign_up,
)
from portal.members.cards import card_token
from portal.members.models import MemberLevel, Notice, PointsHold
from portal.members.points import points_available, points_balance, points_grant
from portal.members.services import member_card_reissue
from tests.activities.conftest import activity_staff, in_days, make_activity
from tests.factories import UserFactory


def members(n, prefix="m"):
    return [UserFactory(username=f"{prefix}{i}") for i in range(n)]


def give_points(member, amount):
    admin = UserFactory(username="granter", is_superuser=True)
    points_grant(member=member, by=admin, reward_points=amount, upgrade_points=0,
                 reason="test", category="other", idempotency_key=f"give-{member.pk}")  # fmt: skip


# --- eligibility ------------------------------------------------------------------------------


def test_level_eligibility(activity_index, member):
    silver = MemberLevel.objects.get(code="silver")
    activity = make_activity(activity_index, audience=ActivityPage.Audience.LEVEL, min_level=silver)

    refusal = eligibility_refusal(activity=activity, member=member)
    member.member_profile.level = MemberLevel.objects.get(code="gold")
    member.member_profile.save()

    assert "银卡" in refusal
    assert eligibility_refusal(activity=activity, member=member) == ""
    with pytest.raises(ActivityError):
        activity_sign_up(activity=activity, member=UserFactory(username="basic"))


def test_owner_eligibility(activity_index, owner_a, owner_b, project_a):
    activity = make_activity(activity_index, audience=ActivityPage.Audience.OWNERS)
    activity.eligible_projects.set([project_a])
    activity.save_revision().publish()

    assert eligibility_refusal(activity=activity, member=owner_a) == ""
    assert "翠湖天地" in eligibility_refusal(activity=activity, member=owner_b)


def test_circle_eligibility(activity_index, member, other_member):
    wine = Circle.objects.create(name="红酒圈", slug="wine")
    wine.members.add(member)
    activity = make_activity(activity_index, audience=ActivityPage.Audience.CIRCLE, circle=wine)

    assert eligibility_refusal(activity=activity, member=member) == ""
    assert "红酒圈" in eligibility_refusal(activity=activity, member=other_member)
    state = signup_state(activity=activity, member=other_member)
    assert state.code == "ineligible" and not state.can_sign_up


def test_repeated_no_shows_refuse_sign_up(activity_index, member):
    for n in range(2):
        past = make_activity(activity_index, slug=f"past{n}", days=-3 - n)
        Signup.objects.create(activity=past, member=member, status="confirmed", no_show=True)
    strict = make_activity(activity_index, slug="strict", max_no_shows=1)
    lenient = make_activity(activity_index, slug="lenient", max_no_shows=2)

    assert "2" in eligibility_refusal(activity=strict, member=member)
    assert eligibility_refusal(activity=lenient, member=member) == ""


def test_window_states(activity_index, member):
    later = make_activity(activity_index, slug="later", signup_opens_at=in_days(2))
    closed = make_activity(activity_index, slug="closed", signup_closes_at=in_days(-1))

    assert signup_state(activity=later, member=member).code == "not_open"
    assert signup_state(activity=closed, member=member).code == "closed"
    with pytest.raises(ActivityError):
        activity_sign_up(activity=later, member=member)
    with pytest.raises(ActivityError):
        activity_sign_up(activity=closed, member=member)


# --- capacity, waiting list, promotion ----------------------------------------------------------


def test_companions_take_places_and_waiting_list_is_in_order(activity_index):
    activity = make_activity(activity_index, capacity=5, max_companions=2)
    a, b, c, d = members(4)

    first = activity_sign_up(activity=activity, member=a, companions=2)
    second = activity_sign_up(activity=activity, member=b, companions=1)
    third = activity_sign_up(activity=activity, member=c)
    fourth = activity_sign_up(activity=activity, member=d)

    assert first.status == second.status == "confirmed"
    assert third.status == fourth.status == "waiting"
    assert signup_state(activity=activity, member=c).position == 1
    assert signup_state(activity=activity, member=d).position == 2
    with pytest.raises(ActivityError):
        activity_sign_up(activity=activity, member=a)
    with pytest.raises(ActivityError):
        activity_sign_up(activity=activity, member=UserFactory(username="x"), companions=3)


def test_cancel_promotes_first_waiting_who_is_notified(
    activity_index, django_capture_on_commit_callbacks
):
    activity = make_activity(activity_index, capacity=2)
    a, b, c, d = members(4)
    for m in (a, b, c, d):
        activity_sign_up(activity=activity, member=m)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = activity_cancel(signup=Signup.objects.get(member=a), by=a)

    assert [s.member for s in promoted] == [c]
    assert Signup.objects.get(member=c, status__in=Signup.ACTIVE).status == "confirmed"
    assert Signup.objects.get(member=d, status__in=Signup.ACTIVE).status == "waiting"
    assert Notice.objects.filter(recipient=c, kind="activity_promoted").exists()
    assert [m.to for m in mail.outbox] == [[c.email]]


def test_cancel_after_deadline_is_refused_and_others_cannot_cancel(activity_index, member):
    activity = make_activity(activity_index, cancel_deadline=in_days(-1),
                             signup_closes_at=in_days(3))  # fmt: skip
    signup = activity_sign_up(activity=activity, member=member)
    stranger = UserFactory(username="stranger")

    with pytest.raises(ActivityError):
        activity_cancel(signup=signup, by=member)
    with pytest.raises(PermissionDenied):
        activity_cancel(signup=signup, by=stranger)


# --- points ---------------------------------------------------------------------------------------


def test_points_cost_held_then_charged_on_attendance(activity_index, member, attended_rule):
    activity = make_activity(activity_index, points_cost=100)
    give_points(member, 150)
    door = activity_staff("check_in_signup", username="door")

    signup = activity_sign_up(activity=activity, member=member)
    assert points_available(member=member) == 50
    activity_check_in(activity=activity, code=member.member_profile.member_number, by=door)

    hold = PointsHold.objects.get(source_key=signup.points_source_key)
    assert hold.status == "charged"
    # 150 − 100 cost + 50 attendance
    assert points_balance(member=member, ledger="reward") == 100
    assert points_balance(member=member, ledger="upgrade") == 50


def test_points_cost_released_on_cancel_and_refused_when_short(activity_index, member):
    activity = make_activity(activity_index, points_cost=100)
    give_points(member, 120)
    signup = activity_sign_up(activity=activity, member=member)

    activity_cancel(signup=signup, by=member)

    assert PointsHold.objects.get(source_key=signup.points_source_key).status == "released"
    assert points_available(member=member) == 120
    poor = UserFactory(username="poor")
    with pytest.raises(ActivityError):
        activity_sign_up(activity=activity, member=poor)
    assert not Signup.objects.filter(member=poor).exists()
    assert points_balance(member=poor, ledger="reward") == 0


# --- check-in -------------------------------------------------------------------------------------


@pytest.fixture
def door(db):
    return activity_staff("check_in_signup", username="door")


def test_check_in_by_card_token_pays_once(activity, member, door, attended_rule):
    activity_sign_up(activity=activity, member=member, companions=2)
    token = card_token(profile=member.member_profile)

    signup = activity_check_in(activity=activity, code=f"http://x/members/card/{token}/", by=door)

    assert signup.checked_in_at and signup.companions == 2
    assert points_balance(member=member, ledger="reward") == 50
    with pytest.raises(ActivityError, match="已于"):
        activity_check_in(activity=activity, code=token, by=door)
    assert points_balance(member=member, ledger="reward") == 50


def test_check_in_refuses_reissued_card(activity, member, door, staff_admin):
    activity_sign_up(activity=activity, member=member)
    old_token = card_token(profile=member.member_profile)
    member_card_reissue(member=member, by=staff_admin)

    with pytest.raises(ActivityError, match="补办"):
        activity_check_in(activity=activity, code=old_token, by=door)
    member.member_profile.refresh_from_db()
    assert activity_check_in(
        activity=activity, code=card_token(profile=member.member_profile), by=door
    ).checked_in_at


def test_check_in_refuses_wrong_activity_and_waiting(activity_index, member, door):
    other = make_activity(activity_index, slug="other", capacity=1)
    activity_sign_up(activity=other, member=UserFactory(username="first"))
    activity_sign_up(activity=other, member=member)
    tea = make_activity(activity_index, slug="tea2")
    number = member.member_profile.member_number

    with pytest.raises(ActivityError, match="未报名"):
        activity_check_in(activity=tea, code=number, by=door)
    with pytest.raises(ActivityError, match="候补"):
        activity_check_in(activity=other, code=number, by=door)
    with pytest.raises(ActivityError):
        activity_check_in(activity=tea, code="garbage:token", by=door)


def test_check_in_needs_the_permission(activity, member):
    activity_sign_up(activity=activity, member=member)
    for wrong in (member, activity_staff("view_signup", username="lister")):
        with pytest.raises(PermissionDenied):
            activity_check_in(activity=activity, code=member.member_profile.member_number, by=wrong)


# --- after ----------------------------------------------------------------------------------------


def test_reminders_sent_once(
    activity_index, member, other_member, django_capture_on_commit_callbacks
):
    tomorrow = make_activity(activity_index, slug="tomorrow", days=1)
    later = make_activity(activity_index, slug="later", days=5)
    activity_sign_up(activity=tomorrow, member=member)
    activity_sign_up(activity=later, member=other_member)
    now = tomorrow.starts_at - datetime.timedelta(days=1)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = activity_reminders_send(now=now)
        second = activity_reminders_send(now=now)

    assert (first, second) == (1, 0)
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert Notice.objects.filter(recipient=member, kind="activity_reminder").count() == 1


def test_no_shows_recorded_and_hold_released(activity_index, member):
    activity = make_activity(activity_index, points_cost=10)
    give_points(member, 10)
    signup = activity_sign_up(activity=activity, member=member)
    ActivityPage.objects.filter(pk=activity.pk).update(
        starts_at=in_days(-2), ends_at=in_days(-2) + datetime.timedelta(hours=1)
    )
    activity.refresh_from_db()

    assert activity_record_no_shows(activity=activity) == 1
    assert activity_record_no_shows(activity=activity) == 0
    signup.refresh_from_db()
    assert signup.no_show
    assert points_available(member=member) == 10


def test_rating_only_by_attendee_once(activity, member, other_member, door, attended_rule):
    signup = activity_sign_up(activity=activity, member=member)
    with pytest.raises(ActivityError):
        activity_rate(signup=signup, by=member, rating=5)
    activity_check_in(activity=activity, code=member.member_profile.member_number, by=door)
    signup.refresh_from_db()

    with pytest.raises(PermissionDenied):
        activity_rate(signup=signup, by=other_member, rating=1)
    with pytest.raises(ActivityError):
        activity_rate(signup=signup, by=member, rating=9)
    activity_rate(signup=signup, by=member, rating=4, comment="很好")
    with pytest.raises(ActivityError):
        activity_rate(signup=signup, by=member, rating=5)


def test_club_changes_and_cancellation_reach_members(
    activity_index, member, django_capture_on_commit_callbacks
):
    activity = make_activity(activity_index, points_cost=0)
    activity_changes_announce(activity=activity)
    activity_sign_up(activity=activity, member=member)

    with django_capture_on_commit_callbacks(execute=True):
        activity.place = "滨江会所"
        activity.save_revision().publish()
        activity.cancelled = True
        activity.save_revision().publish()

    kinds = list(Notice.objects.filter(recipient=member).values_list("kind", flat=True))
    assert "activity_changed" in kinds and "activity_cancelled" in kinds
    assert signup_state(activity=activity, member=member).code == "cancelled"


def test_daily_command_reports_reminders_and_no_shows(activity_index, member):
    import io

    from django.core.management import call_command

    activity_sign_up(activity=make_activity(activity_index, slug="t", days=1), member=member)
    out = io.StringIO()

    call_command("activities_daily", stdout=out)

    assert out.getvalue().strip() == "reminders=1 no_shows=0"


def test_one_place_left_goes_to_the_first_waiting_only_if_their_party_fits(activity_index):
    # Capacity 3: a party of two and a single fill it; then a party of two and a single wait.
    activity = make_activity(activity_index, capacity=3, max_companions=1)
    a, b, c, d = members(4)
    party_a = activity_sign_up(activity=activity, member=a, companions=1)
    single_b = activity_sign_up(activity=activity, member=b)
    party_c = activity_sign_up(activity=activity, member=c, companions=1)
    single_d = activity_sign_up(activity=activity, member=d)
    assert [s.status for s in (party_a, single_b, party_c, single_d)] == [
        "confirmed", "confirmed", "waiting", "waiting",
    ]  # fmt: skip

    # One place frees: c's party of two does not fit, and d, behind c, does not jump the queue.
    assert activity_cancel(signup=single_b, by=b) == []
    assert signup_state(activity=activity, member=c).position == 1
    assert signup_state(activity=activity, member=d).position == 2

    # Two more places free (three in all): c's party comes in first, then d.
    promoted = activity_cancel(signup=party_a, by=a)
    assert [s.member for s in promoted] == [c, d]
    assert [s.status for s in Signup.objects.filter(member__in=[c, d]).order_by("pk")] == [
        "confirmed", "confirmed",
    ]  # fmt: skip


def test_a_single_place_is_taken_by_the_first_to_sign_up(activity_index):
    activity = make_activity(activity_index, capacity=1)
    first, second = members(2)

    assert activity_sign_up(activity=activity, member=first).status == "confirmed"
    assert activity_sign_up(activity=activity, member=second).status == "waiting"


def test_the_waiting_position_counts_only_this_activitys_waiting_list(activity_index):
    tea = make_activity(activity_index, capacity=1)
    hike = make_activity(activity_index, slug="hike", title="徒步", capacity=1)
    a, b, c, d = members(4)
    activity_sign_up(activity=hike, member=a)
    activity_sign_up(activity=hike, member=b)  # waiting for the hike, before anyone for tea
    activity_sign_up(activity=tea, member=c)
    activity_sign_up(activity=tea, member=d)

    # The hike's confirmed place does not take the tea's only place.
    assert signup_state(activity=tea, member=c).signup.status == "confirmed"
    assert signup_state(activity=hike, member=b).position == 1
    assert signup_state(activity=tea, member=d).position == 1

    # The tea's freed place goes to the tea's waiting list, not to the hike's earlier waiter,
    # and the promotion is dated.
    now = in_days(1)
    tea_signup = Signup.objects.get(activity=tea, member=c)
    assert [s.member for s in activity_cancel(signup=tea_signup, by=c, now=now)] == [d]
    assert Signup.objects.get(activity=tea, member=d).confirmed_at == now
    assert Signup.objects.get(activity=hike, member=b).status == "waiting"


def test_the_waiting_position_is_the_order_of_promotion(activity_index):
    # Arrival order is the sign-up time, then the row for equal times: the position shown is
    # the order in which a freed place is given.
    activity = make_activity(activity_index, capacity=1)
    a, b, c, d = members(4)
    first = activity_sign_up(activity=activity, member=a)
    waiting = [activity_sign_up(activity=activity, member=m) for m in (b, c, d)]
    same_time = waiting[0].created_at
    Signup.objects.filter(pk__in=[w.pk for w in waiting[:2]]).update(created_at=same_time)
    later = same_time + datetime.timedelta(minutes=5)
    earlier = same_time - datetime.timedelta(minutes=5)
    Signup.objects.filter(pk=waiting[2].pk).update(created_at=earlier)  # d arrived first
    Signup.objects.filter(pk=waiting[1].pk).update(created_at=later)  # c after b

    positions = [signup_state(activity=activity, member=m).position for m in (d, b, c)]

    assert positions == [1, 2, 3]
    assert [s.member for s in activity_cancel(signup=first, by=a)] == [d]


def test_equal_sign_up_times_are_ordered_by_row(activity_index):
    activity = make_activity(activity_index, capacity=1)
    a, b, c = members(3)
    activity_sign_up(activity=activity, member=a)
    waiting = [activity_sign_up(activity=activity, member=m) for m in (b, c)]
    Signup.objects.filter(pk__in=[w.pk for w in waiting]).update(created_at=waiting[0].created_at)

    assert signup_state(activity=activity, member=b).position == 1
    assert signup_state(activity=activity, member=c).position == 2
