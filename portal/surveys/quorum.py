"""The arithmetic of an owners' vote, exact (fractions, never floats).

Civil Code art. 278: the owners of at least two thirds of the units (人数) and of the area
(专有部分面积) take part; a matter passes with more than half of the participating units and
area (过半数, strictly more), or, for the major matters of items 6–8, at least three quarters
(四分之三以上, "以上" includes the threshold itself).
"""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

PARTICIPATION = Fraction(2, 3)
THRESHOLDS = {
    # rule: (fraction of the participating units and area, strictly more than it?)
    "ordinary": (Fraction(1, 2), True),
    "major": (Fraction(3, 4), False),
}


def reaches(part, whole, fraction: Fraction, *, strictly: bool = False) -> bool:
    """part/whole ≥ fraction (or >), in exact arithmetic; nothing of nothing reaches nothing."""
    part, whole = Fraction(Decimal(part)), Fraction(Decimal(whole))
    if whole <= 0:
        return False
    share = part / whole
    return share > fraction if strictly else share >= fraction


@dataclass
class Tally:
    total_units: int
    total_area: Decimal
    voted_units: int
    voted_area: Decimal
    approving_units: int
    approving_area: Decimal
    rule: str
    weighted_by_area: bool

    @property
    def participation_reached(self) -> bool:
        units = reaches(self.voted_units, self.total_units, PARTICIPATION)
        if not self.weighted_by_area:
            return units
        return units and reaches(self.voted_area, self.total_area, PARTICIPATION)

    @property
    def approval_reached(self) -> bool:
        fraction, strictly = THRESHOLDS[self.rule]
        units = reaches(self.approving_units, self.voted_units, fraction, strictly=strictly)
        if not self.weighted_by_area:
            return units
        return units and reaches(self.approving_area, self.voted_area, fraction, strictly=strictly)

    @property
    def passed(self) -> bool:
        return self.participation_reached and self.approval_reached

    @property
    def units_needed(self) -> int:
        """Units that must still vote for the unit quorum (ceil(2/3 of the total) − voted)."""
        needed = -(-PARTICIPATION.numerator * self.total_units // PARTICIPATION.denominator)
        return max(0, needed - self.voted_units)

    @property
    def area_needed(self) -> Decimal:
        needed = Fraction(Decimal(self.total_area)) * PARTICIPATION - Fraction(
            Decimal(self.voted_area)
        )
        if needed <= 0:
            return Decimal("0")
        # Round up to the hundredth: areas are registered to 0.01 m².
        return Decimal(-(-needed.numerator * 100 // needed.denominator)) / 100

    @staticmethod
    def percent(part, whole) -> float:
        whole = Decimal(whole)
        return float(Decimal(part) * 100 / whole) if whole else 0.0

    @property
    def units_percent(self) -> float:
        return self.percent(self.voted_units, self.total_units)

    @property
    def area_percent(self) -> float:
        return self.percent(self.voted_area, self.total_area)
