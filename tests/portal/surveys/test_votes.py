import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from portal.members.services import unit_ownership_reject
from portal.surveys.models import VoteBallot
from portal.surveys.quorum import Tally, reaches
from portal.surveys.selectors import vote_tally
from portal.surveys.services import SurveyError, owners_vote_cast
from tests.factories import UserFactory
from tests.portal.surveys.conftest import cast, options, own


def tally(**kw):
    base = {"total_units": 6, "total_area": Decimal("600"), "voted_units": 4,
            "voted_area": Decimal("400"), "approving_units": 3, "approving_area": Decimal("300"),
            "rule": "ordinary", "weighted_by_area": True}  # fmt: skip
    return Tally(**{**base, **kw})


def test_vote_register_covers_the_chosen_buildings(vote):
    assert vote.units.count() == 6
    assert vote_tally(vote=vote).total_area == Decimal("600.00")


def test_exact_two_thirds_is_a_quorum_and_one_less_is_not():
    assert tally(voted_units=4, voted_area=Decimal("400")).participation_reached
    assert not tally(voted_units=3, voted_area=Decimal("500")).participation_reached
    assert not tally(voted_units=5, voted_area=Decimal("399.99")).participation_reached
    assert reaches(2, 3, __import__("fractions").Fraction(2, 3))


def test_ordinary_matters_need_more_than_half_and_major_ones_three_quarters():
    # exactly half of the participating units is not "more than half"
    assert not tally(approving_units=2, approving_area=Decimal("300")).approval_reached
    assert tally(approving_units=3, approving_area=Decimal("200.01")).approval_reached
    assert not tally(approving_units=3, approving_area=Decimal("200")).approval_reached
    # exactly three quarters is enough for a major matter ("以上" includes it)
    assert tally(rule="major", approving_units=3, approving_area=Decimal("300")).approval_reached
    assert not tally(
        rule="major", approving_units=3, approving_area=Decimal("299.99")
    ).approval_reached


def test_unweighted_votes_count_units_only():
    t = tally(voted_area=Decimal("10"), approving_area=Decimal("1"), weighted_by_area=False)
    assert t.participation_reached and t.approval_reached


def test_what_is_still_needed_is_rounded_up():
    t = tally(total_units=7, voted_units=2, total_area=Decimal("100.00"), voted_area=Decimal("0"))
    assert t.units_needed == 3  # 2/3 of 7 is 4.67: five units
    assert t.area_needed == Decimal("66.67")


def test_ballots_pass_the_matter_by_units_and_area(vote, project_a, staff_admin):
    owners = [own(project_a, f"o{n}", f"10{n}", by=staff_admin) for n in range(1, 7)]
    for ownership, label in zip(owners[:5], ["同意", "同意", "同意", "反对", "弃权"], strict=True):
        cast(vote, ownership, label)

    result = vote_tally(vote=vote)

    assert (result.voted_units, result.voted_area) == (5, Decimal("510.75"))
    assert (result.approving_units, result.approving_area) == (3, Decimal("300.50"))
    assert result.participation_reached and result.passed


def test_a_unit_with_two_owners_casts_one_ballot(vote, project_a, staff_admin):
    first = own(project_a, "wife", "101", by=staff_admin)
    second = own(project_a, "husband", "101", by=staff_admin)

    cast(vote, first, "同意")
    with pytest.raises(SurveyError, match="已投票|already"):
        cast(vote, second, "反对")

    assert VoteBallot.objects.get().cast_by == first.member
    assert vote_tally(vote=vote).voted_units == 1


def test_unit_sold_mid_vote(vote, project_a, staff_admin):
    seller = own(project_a, "seller", "102", by=staff_admin)
    cast(vote, seller, "同意")
    unit_ownership_reject(ownership=seller, by=staff_admin, reason="已出售")
    buyer = own(project_a, "buyer", "102", by=staff_admin)

    with pytest.raises(SurveyError):
        cast(vote, buyer, "反对")
    assert vote_tally(vote=vote).approving_units == 1  # the seller's ballot stands

    other_seller = own(project_a, "seller2", "103", by=staff_admin)
    unit_ownership_reject(ownership=other_seller, by=staff_admin, reason="已出售")
    with pytest.raises(SurveyError):
        cast(vote, other_seller, "同意")  # no longer an owner
    cast(vote, own(project_a, "buyer2", "103", by=staff_admin), "反对")
    assert vote_tally(vote=vote).voted_units == 2


def test_unverified_owner_other_project_and_outside_units_are_refused(
    vote, project_a, project_b, staff_admin
):
    pending = own(project_a, "pending", "104", by=staff_admin, verify=False)
    elsewhere = own(project_b, "elsewhere", "104", by=staff_admin)
    other_building = own(project_a, "b2", "201", by=staff_admin, building="2栋")
    unit = vote.units.get(unit="104")
    option = options(vote)["同意"]

    for ownership in (pending, elsewhere):
        with pytest.raises(SurveyError):
            owners_vote_cast(
                vote=vote, vote_unit_id=unit.pk, option_id=option.pk, member=ownership.member
            )
    with pytest.raises(SurveyError):
        owners_vote_cast(
            vote=vote, vote_unit_id="x", option_id=option.pk, member=other_building.member
        )
    assert not VoteBallot.objects.exists()


def test_closed_vote_refuses_ballots(vote, project_a, staff_admin):
    ownership = own(project_a, "late", "105", by=staff_admin)
    vote.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    vote.opens_at = timezone.now() - datetime.timedelta(days=1)
    vote.save()

    with pytest.raises(SurveyError):
        cast(vote, ownership, "同意")


def test_vote_page_shows_participation_not_choices_then_results(
    client, vote, project_a, staff_admin
):
    owners = [own(project_a, f"o{n}", f"10{n}", by=staff_admin) for n in range(1, 5)]
    for ownership in owners:
        cast(vote, ownership, "同意")
    client.force_login(owners[0].member)

    page = client.get(f"/surveys/votes/{vote.pk}/").content.decode()

    assert "4 / 6" in page or "6 户中已有 4 户" in page
    assert 'data-testid="quorum-reached"' in page
    assert 'data-testid="vote-counts"' not in page
    assert 'data-testid="vote-audit-link"' not in page
    vote.closes_at = timezone.now() - datetime.timedelta(seconds=1)
    vote.opens_at = timezone.now() - datetime.timedelta(days=1)
    vote.save()
    page = client.get(f"/surveys/votes/{vote.pk}/").content.decode()
    assert 'data-testid="vote-counts"' in page and "表决事项获得通过" in page


def test_vote_page_cast_form_and_refusals(client, vote, project_a, owner_b, member, staff_admin):
    ownership = own(project_a, "caster", "106", by=staff_admin)
    client.force_login(ownership.member)
    unit = vote.units.get(unit="106")

    client.post(
        f"/surveys/votes/{vote.pk}/cast/", {"unit": unit.pk, "option": options(vote)["反对"].pk}
    )

    assert VoteBallot.objects.get().vote_unit == unit
    for outsider in (owner_b, member):
        client.force_login(outsider)
        assert client.get(f"/surveys/votes/{vote.pk}/").status_code == 404
        client.post(f"/surveys/votes/{vote.pk}/cast/", {"unit": unit.pk, "option": 1})
    client.logout()
    assert client.get(f"/surveys/votes/{vote.pk}/").status_code == 302
    assert VoteBallot.objects.count() == 1


def test_audit_trail_for_administrators_only(client, vote, project_a, staff_admin):
    ownership = own(project_a, "audited", "101", by=staff_admin)
    cast(vote, ownership, "同意")
    client.force_login(ownership.member)
    assert client.get(f"/surveys/votes/{vote.pk}/audit/").status_code == 403
    auditor = UserFactory(username="auditor")
    auditor.user_permissions.add(Permission.objects.get(codename="view_vote_audit"))
    client.force_login(auditor)

    page = client.get(f"/surveys/votes/{vote.pk}/audit/").content.decode()

    assert "audited" in page and "1栋-101" in page
    assert "同意" not in page.split('data-testid="vote-audit"')[1]  # secret ballot


def test_owners_whose_unit_has_not_voted_are_reminded(
    vote, project_a, staff_admin, django_capture_on_commit_callbacks
):
    """The admin action's way, by site message; the rest is in test_vote_reminders.py."""
    from portal.campaigns.reminders import vote_reminder_send
    from portal.members.models import Notice

    voted = own(project_a, "voted", "101", by=staff_admin)
    cast(vote, voted, "同意")
    own(project_a, "waiting", "102", by=staff_admin)
    own(project_a, "pending_claim", "103", by=staff_admin, verify=False)

    with django_capture_on_commit_callbacks(execute=True):
        reminder = vote_reminder_send(vote=vote, channels=["site"], by=staff_admin)

    assert reminder.owners == 1 and reminder.to_send == {"site": 1}
    assert list(Notice.objects.values_list("recipient__username", flat=True)) == ["waiting"]
    assert Notice.objects.get().url == f"/surveys/votes/{vote.pk}/"
