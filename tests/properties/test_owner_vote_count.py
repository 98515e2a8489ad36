"""The count of an owners' vote (Civil Code art. 278; SPC interpretation on building
ownership arts. 8–9), worked out by hand. ``count_vote`` is pure: no database."""

from decimal import Decimal

from properties.owner_votes.count import Unit, count_vote

A, D, X = "agree", "disagree", "abstain"


def units(*areas, keys=None, developer=()):
    """Units 1..n with the given areas; ``keys`` maps unit id → owner key."""
    keys = keys or {}
    return [Unit(id=i, area=Decimal(str(a)), owner_key=keys.get(i, ""),
                 developer_held=i in developer) for i, a in enumerate(areas, start=1)]


def test_quorum_met_by_area_but_not_by_head():
    # Units 300, 50, 50, 50, 50 m² — 500 m², 5 owners. Units 1 and 2 vote.
    # Area: 350 ≥ 2/3 × 500 = 333.3 → met.  Heads: 2 < 2/3 × 5 = 3.33 → not met.
    count = count_vote(kind="firm", units=units(300, 50, 50, 50, 50), ballots={1: A, 2: A})
    assert (count.participating_area, count.participating_owners) == (350, 2)
    assert count.quorum_area_met and not count.quorum_owners_met
    assert not count.quorum_met and not count.passed


def test_one_owner_with_three_flats_counts_once():
    # Units 1–3 (100 m² each) belong to one owner "x"; units 4–6 to three others.
    # Total: 600 m², 4 owners (not 6). Units 1–4 agree, unit 5 disagrees.
    # Quorum: area 500 ≥ 400; heads 3 (x, 4, 5) ≥ 2/3 × 4 = 2.67 → met.
    # Agreement: area 400 > 250; heads 2 (x, 4) > 3/2 → passed.
    count = count_vote(kind="firm", units=units(100, 100, 100, 100, 100, 100,
                                                keys={1: "x", 2: "x", 3: "x"}),
                       ballots={1: A, 2: A, 3: A, 4: A, 5: D})
    assert (count.total_area, count.total_owners) == (600, 4)
    assert (count.participating_owners, count.agreeing_owners) == (3, 2)
    assert count.quorum_met and count.passed


def test_owner_with_split_ballots_takes_part_but_does_not_agree_by_head():
    # Owner "x" holds units 1 and 2 and votes agree on one, disagree on the other; unit 3
    # agrees. Total 300 m², 2 owners. Heads taking part 2, agreeing 1 (x's head cannot be
    # split) → 1 is not more than half of 2 → fails, though the area agreeing is 200 > 150.
    count = count_vote(kind="other", units=units(100, 100, 100, keys={1: "x", 2: "x"}),
                       ballots={1: A, 2: D, 3: A})
    assert (count.agreeing_area, count.agreeing_owners) == (200, 1)
    assert count.quorum_met and not count.passed


def test_developer_held_units_count_as_one_owner_together():
    # Units 1–3 are the developer's unsold units (100 m² each); units 4–6 have owners.
    # Total 600 m², 4 owners (developer + 3). The developer's three units agree, 4 agrees,
    # 5 disagrees: heads 3 ≥ 2.67, area 500 ≥ 400 → quorum; agreeing 2 > 1.5 heads and
    # 400 > 250 m² → passed.
    count = count_vote(kind="firm", units=units(100, 100, 100, 100, 100, 100,
                                                developer=(1, 2, 3)),
                       ballots={1: A, 2: A, 3: A, 4: A, 5: D})
    assert (count.total_owners, count.participating_owners, count.agreeing_owners) == (4, 3, 2)
    assert count.passed


def test_abstentions_take_part_but_do_not_agree_and_exactly_half_fails():
    # Six units of 100 m², six owners, all vote: 3 agree, 1 disagrees, 2 abstain.
    # Participating 600 m² / 6 heads; agreeing 300 m² / 3 heads = exactly one half,
    # and "过半数" excludes the half → fails. (Had abstentions not taken part, 3 of 4 agree.)
    count = count_vote(kind="firm", units=units(*[100] * 6),
                       ballots={1: A, 2: A, 3: A, 4: D, 5: X, 6: X})
    assert (count.participating_area, count.participating_owners) == (600, 6)
    assert (count.agreeing_area, count.agreeing_owners) == (300, 3)
    assert count.quorum_met
    assert not count.agreement_area_met and not count.agreement_owners_met
    assert not count.passed


def test_exactly_two_thirds_takes_part_is_a_quorum():
    # Three units of 33.33 m² (99.99 m²), three owners; two vote, both agree.
    # Area 66.66 × 3 = 199.98 = 99.99 × 2 → exactly 2/3, and "以上" includes it.
    # Heads 2 × 3 = 6 = 3 × 2 → exactly 2/3 → quorum; 2 of 2 agree → passed.
    count = count_vote(kind="committee", units=units("33.33", "33.33", "33.33"),
                       ballots={1: A, 2: A})
    assert count.participating_area == Decimal("66.66")
    assert count.quorum_area_met and count.quorum_owners_met and count.passed


def test_just_under_two_thirds_of_the_area_is_no_quorum():
    # 33.34 + 33.33 + 33.33 = 100.00 m²; units 2 and 3 vote: 66.66 < 66.67 → no quorum.
    count = count_vote(kind="committee", units=units("33.34", "33.33", "33.33"),
                       ballots={2: A, 3: A})
    assert count.quorum_owners_met and not count.quorum_area_met and not count.passed


def test_exactly_three_quarters_passes_a_fund_raise():
    # Raising the maintenance fund needs ≥ 3/4. Four units of 100 m², four owners, all
    # vote: 3 agree, 1 disagrees → area 300 = 3/4 × 400 and heads 3 = 3/4 × 4 → passed.
    count = count_vote(kind="fund_raise", units=units(100, 100, 100, 100),
                       ballots={1: A, 2: A, 3: A, 4: D})
    assert count.agreement_area_met and count.agreement_owners_met and count.passed


def test_just_under_three_quarters_of_the_area_fails_a_rebuild():
    # Areas 99.99, 100, 100, 100.01 (400 m²); units 1–3 agree: 299.99 < 300 → fails,
    # though 3 of 4 heads agree.
    count = count_vote(kind="rebuild", units=units("99.99", 100, 100, "100.01"),
                       ballots={1: A, 2: A, 3: A, 4: D})
    assert count.agreement_owners_met and not count.agreement_area_met
    assert not count.passed


def test_more_than_half_is_not_enough_for_a_change_of_common_use():
    # Common parts: 2 of 3 agree (66.7%) passes a simple matter, not a 3/4 one.
    ballots = {1: A, 2: A, 3: D}
    assert count_vote(kind="other", units=units(100, 100, 100), ballots=ballots).passed
    assert not count_vote(kind="common_use", units=units(100, 100, 100),
                          ballots=ballots).passed


def test_a_register_without_units_never_passes():
    count = count_vote(kind="firm", units=[], ballots={})
    assert (count.total_area, count.total_owners) == (0, 0)
    assert not count.quorum_met and not count.passed


def test_ballots_of_units_outside_the_register_are_not_counted():
    count = count_vote(kind="firm", units=units(100, 100, 100), ballots={1: A, 2: A, 99: A})
    assert count.participating_owners == 2 and count.participating_area == 200
