"""The count of an owners' vote (Civil Code art. 278; SPC interpretation on building
ownership, arts. 8–9) — pure: units and ballots in, figures and verdicts out.

- Area: each unit's registered exclusive floor area.
- Owners: one per unit, except that units with the same owner count as one owner, and
  all of the developer's unsold or undelivered units count as one owner together.
- Quorum ("参与表决"): participating area ≥ 2/3 of the total area AND participating owners
  ≥ 2/3 of all owners ("以上" includes the number itself).
- Passing: for raising the maintenance fund, rebuilding and changing the use of common
  parts, agreeing area ≥ 3/4 of the participating area AND agreeing owners ≥ 3/4 of the
  participating owners; for every other matter agreeing area > 1/2 of the participating
  area AND agreeing owners > 1/2 of the participating owners ("过半数" excludes the half).
- Abstentions take part (area and head) but do not agree.
- An owner of several units takes part if any of their units voted; their one head agrees
  only if every ballot they cast agrees (a head cannot be split), while each unit's area
  goes with that unit's own ballot.

All comparisons are on integers and Decimals (cross-multiplied): no floats.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .models import QUALIFIED_KINDS, BallotChoice

DEVELOPER = "developer"

QUORUM = Fraction(2, 3)
QUALIFIED_MAJORITY = Fraction(3, 4)
SIMPLE_MAJORITY = Fraction(1, 2)


@dataclass(frozen=True)
class Unit:
    """One household unit of the register: its id, area and owner identity."""

    id: int
    area: Decimal
    owner_key: str = ""
    developer_held: bool = False

    @property
    def owner(self) -> str:
        if self.developer_held:
            return DEVELOPER
        return f"key:{self.owner_key}" if self.owner_key else f"unit:{self.id}"


@dataclass(frozen=True)
class VoteCount:
    total_area: Decimal
    total_owners: int
    participating_area: Decimal
    participating_owners: int
    agreeing_area: Decimal
    agreeing_owners: int
    qualified: bool  # a three-quarters matter

    @property
    def quorum_area_met(self) -> bool:
        return _at_least(self.participating_area, self.total_area, QUORUM)

    @property
    def quorum_owners_met(self) -> bool:
        return _at_least(self.participating_owners, self.total_owners, QUORUM)

    @property
    def quorum_met(self) -> bool:
        return self.quorum_area_met and self.quorum_owners_met

    @property
    def majority(self) -> Fraction:
        return QUALIFIED_MAJORITY if self.qualified else SIMPLE_MAJORITY

    def _agrees(self, part, whole) -> bool:
        if self.qualified:
            return _at_least(part, whole, QUALIFIED_MAJORITY)
        return _more_than(part, whole, SIMPLE_MAJORITY)

    @property
    def agreement_area_met(self) -> bool:
        return self._agrees(self.agreeing_area, self.participating_area)

    @property
    def agreement_owners_met(self) -> bool:
        return self._agrees(self.agreeing_owners, self.participating_owners)

    @property
    def passed(self) -> bool:
        return self.quorum_met and self.agreement_area_met and self.agreement_owners_met


def _at_least(part, whole, share: Fraction) -> bool:
    """part ≥ share × whole, with nothing to count never enough."""
    return whole > 0 and part * share.denominator >= whole * share.numerator


def _more_than(part, whole, share: Fraction) -> bool:
    return whole > 0 and part * share.denominator > whole * share.numerator


def count_vote(*, kind: str, units: Iterable[Unit], ballots: Mapping[int, str]) -> VoteCount:
    """``units``: every unit of the compound's register; ``ballots``: unit id → choice
    (units of the compound only; others are ignored)."""
    units = list(units)
    total_area = sum((u.area for u in units), Decimal("0"))
    owners = {u.owner for u in units}
    participating_area = agreeing_area = Decimal("0")
    voted_owners: set[str] = set()
    dissenting_owners: set[str] = set()
    for unit in units:
        choice = ballots.get(unit.id)
        if choice is None:
            continue
        participating_area += unit.area
        voted_owners.add(unit.owner)
        if choice == BallotChoice.AGREE:
            agreeing_area += unit.area
        else:
            dissenting_owners.add(unit.owner)
    return VoteCount(
        total_area=total_area,
        total_owners=len(owners),
        participating_area=participating_area,
        participating_owners=len(voted_owners),
        agreeing_area=agreeing_area,
        agreeing_owners=len(voted_owners - dissenting_owners),
        qualified=kind in QUALIFIED_KINDS,
    )
