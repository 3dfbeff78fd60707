"""The owners' vote arithmetic (portal.surveys.quorum.reaches), exactly at its thresholds.

Pure arithmetic, no database: `make mutation` runs these against every mutant of `reaches`.
"""

from decimal import Decimal
from fractions import Fraction

import pytest

from portal.surveys.quorum import PARTICIPATION, THRESHOLDS, Tally, reaches


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (4, 6, True),  # exactly two thirds of the units is a quorum
        (3, 6, False),
        (5, 6, True),
        (6, 6, True),
        (Decimal("400.00"), Decimal("600.00"), True),  # exactly two thirds of the area
        (Decimal("399.99"), Decimal("600.00"), False),  # one hundredth short is not
        ("66.67", "100", True),  # the register's text form, rounded up, reaches it
        ("66.66", "100", False),
    ],
)
def test_participation_is_at_least_two_thirds_exactly(part, whole, expected):
    assert reaches(part, whole, PARTICIPATION) is expected


def test_an_ordinary_matter_needs_strictly_more_than_half():
    half, strictly = THRESHOLDS["ordinary"]
    assert (half, strictly) == (Fraction(1, 2), True)
    assert reaches(2, 4, half, strictly=strictly) is False  # exactly half is not 过半数
    assert reaches(3, 4, half, strictly=strictly) is True
    assert reaches(Decimal("200.01"), Decimal("400"), half, strictly=strictly) is True
    # Without `strictly` exactly half would pass: the rule is what makes the difference.
    assert reaches(2, 4, half) is True


def test_a_major_matter_needs_three_quarters_including_the_threshold():
    three_quarters, strictly = THRESHOLDS["major"]
    assert (three_quarters, strictly) == (Fraction(3, 4), False)
    assert reaches(3, 4, three_quarters, strictly=strictly) is True  # 以上 includes it
    assert reaches(Decimal("299.99"), Decimal("400"), three_quarters, strictly=strictly) is False
    assert reaches(Decimal("300.01"), Decimal("400"), three_quarters, strictly=True) is True


@pytest.mark.parametrize("whole", [0, Decimal("0"), "0.00", -1])
def test_nothing_of_nothing_reaches_nothing(whole):
    # A vote with no registered units (or no ballots yet) has neither quorum nor approval.
    assert reaches(0, whole, PARTICIPATION) is False
    assert reaches(0, whole, Fraction(0)) is False
    assert reaches(0, whole, Fraction(1, 2), strictly=True) is False


def test_a_share_is_compared_exactly_never_as_a_float():
    # 2/3 as a float is 0.6666…67; 0.6666666666666666 of the whole would pass a float check.
    assert reaches(Decimal("0.6666666666666666"), 1, PARTICIPATION) is False
    assert reaches(Decimal("0.66666666666666667"), 1, PARTICIPATION) is True
    assert reaches(1, 3, Fraction(1, 3)) is True
    assert reaches(1, 3, Fraction(1, 3), strictly=True) is False


def test_the_participation_shown_is_the_share_of_units_and_of_area_in_percent():
    tally = Tally(
        total_units=8, total_area=Decimal("640.00"), voted_units=2, voted_area=Decimal("200.00"),
        approving_units=1, approving_area=Decimal("100.00"), rule="ordinary", weighted_by_area=True,
    )  # fmt: skip
    assert tally.units_percent == 25.0
    assert tally.area_percent == 31.25
    assert Tally.percent("0.5", "2") == 25.0
    assert Tally.percent(3, 3) == 100.0


def test_a_vote_with_nothing_registered_shows_zero_percent_not_an_error():
    assert Tally.percent(0, 0) == 0.0
    assert Tally.percent(0, Decimal("0.00")) == 0.0
