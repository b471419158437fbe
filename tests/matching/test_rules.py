"""Reason codes, explanations, existing pairings, exclusions and validation."""

from __future__ import annotations

import pytest

from matching import (
    COOKS_EXCLUDED,
    COOKS_FULL,
    NO_COOK_FOR_NEEDS,
    NO_COOK_IN_RANGE,
    NO_SHARED_DAY,
    Cook,
    Diner,
    DinerCounts,
    Pairing,
    match,
)

MON, TUE, WED = 0, 1, 2
HERE = (51.5, -0.12)
NEAR = (51.505, -0.12)  # about 0.56 km north
FAR = (51.6, -0.12)  # about 11 km north


def cook(i, where=HERE, days=(MON,), can=(), **kw):
    return Cook(i, *where, frozenset(days), frozenset(can), **kw)


def diner(i, where=NEAR, days=(MON,), needs=(), **kw):
    return Diner(i, *where, frozenset(days), frozenset(needs), **kw)


def test_nearest_cook_wins_and_distance_is_reported():
    r = match([cook(1, FAR), cook(2, HERE)], [diner(10)])
    assert [(c, d) for c, d, _ in r.pairs] == [(2, 10)]
    assert r.pairs[0][2] == pytest.approx(0.556, abs=0.001)
    assert r.unmatched == {}


def test_more_diners_beats_shorter_distance():
    # Cook 1 is nearest to diner 10, but only cook 1 can serve diner 11.
    cooks = [cook(1, HERE), cook(2, (51.51, -0.12))]
    diners = [diner(10, (51.501, -0.12)), diner(11, (51.499, -0.12), needs=("halal",))]
    cooks[0] = cook(1, HERE, can=("halal",))
    r = match(cooks, diners)
    assert sorted((c, d) for c, d, _ in r.pairs) == [(1, 11), (2, 10)]


@pytest.mark.parametrize(
    ("cooks", "dinr", "code", "counts"),
    [
        ([cook(1, FAR)], diner(10), NO_COOK_IN_RANGE, (0, 0, 0, 0)),
        ([cook(1, vetted=False)], diner(10), NO_COOK_IN_RANGE, (0, 0, 0, 0)),
        ([cook(1, max_km=0.5)], diner(10), NO_COOK_IN_RANGE, (0, 0, 0, 0)),
        ([cook(1)], diner(10, max_km=0.5), NO_COOK_IN_RANGE, (0, 0, 0, 0)),
        (
            [cook(1, can=("veg",))],
            diner(10, needs=("veg", "halal")),
            NO_COOK_FOR_NEEDS,
            (1, 0, 0, 0),
        ),
        ([cook(1, days=(TUE,)), cook(2, days=(WED,))], diner(10), NO_SHARED_DAY, (2, 2, 0, 0)),
        ([cook(1, capacity=0)], diner(10), COOKS_FULL, (1, 1, 1, 1)),
    ],
)
def test_reason_codes_pick_the_most_specific_filter(cooks, dinr, code, counts):
    r = match(cooks, [dinr])
    assert r.pairs == []
    assert r.unmatched == {10: code}
    assert r.counts(10) == DinerCounts(*counts)
    assert r.explain(10)


def test_cooks_full_when_the_optimum_uses_the_only_cook():
    r = match([cook(1)], [diner(10), diner(11, (51.51, -0.12))])
    assert [(c, d) for c, d, _ in r.pairs] == [(1, 10)]
    assert r.unmatched == {11: COOKS_FULL}
    assert r.explain(11) == "1 cooks that fit your needs within 3 km are full."


def test_existing_pairing_uses_capacity_and_is_never_rematched():
    cooks = [cook(1, capacity=2), cook(2, FAR)]
    diners = [diner(10), diner(11), diner(12)]
    r = match(cooks, diners, [Pairing(1, 10)])
    assert len(r.pairs) == 1 and r.pairs[0][0] == 1 and r.pairs[0][1] in (11, 12)
    assert 10 not in r.unmatched and all(d != 10 for _, d, _ in r.pairs)
    assert list(r.unmatched.values()) == [COOKS_FULL]


def test_existing_beyond_capacity_leaves_the_cook_full_rather_than_failing():
    r = match(
        [cook(1, capacity=1)], [diner(10), diner(11), diner(12)], [Pairing(1, 10), Pairing(1, 11)]
    )
    assert r.pairs == [] and r.unmatched == {12: COOKS_FULL}


def test_excluded_pairs_are_never_proposed():
    cooks = [cook(1), cook(2, (51.51, -0.12))]
    r = match(cooks, [diner(10)], excluded=[(1, 10)])
    assert [(c, d) for c, d, _ in r.pairs] == [(2, 10)]


def test_diner_whose_only_cooks_are_excluded_gets_its_own_code():
    r = match([cook(1), cook(2)], [diner(10)], excluded=[(1, 10), (2, 10), (99, 98)])
    assert r.unmatched == {10: COOKS_EXCLUDED}
    assert r.counts(10) == DinerCounts(2, 2, 2, 0)


def test_empty_inputs():
    assert match([], []).pairs == []
    assert match([cook(1)], []).unmatched == {}
    assert match([], [diner(10)]).unmatched == {10: NO_COOK_IN_RANGE}


@pytest.mark.parametrize(
    ("cooks", "diners", "existing", "named"),
    [
        ([cook(1, (90.5, 0))], [], [], r"Cook\(id=1,.*latitude"),
        ([cook(1, (float("nan"), 0))], [], [], r"Cook\(id=1,.*latitude"),
        ([], [diner(7, (0, 180.5))], [], r"Diner\(id=7,.*longitude"),
        ([], [diner(7, (0, -181))], [], r"Diner\(id=7,.*longitude"),
        ([cook(3, capacity=-1)], [], [], r"Cook\(id=3,.*capacity"),
        ([cook(3, max_km=-0.1)], [], [], r"Cook\(id=3,.*max_km"),
        ([], [diner(8, max_km=-1.0)], [], r"Diner\(id=8,.*max_km"),
        ([cook(4), cook(4, FAR)], [], [], r"Cook\(id=4,.*duplicate"),
        ([], [diner(5), diner(5, FAR)], [], r"Diner\(id=5,.*duplicate"),
        ([cook(6, days=(7,))], [], [], r"Cook\(id=6,.*day 7"),
        ([], [diner(6, days=(-1,))], [], r"Diner\(id=6,.*day -1"),
        ([cook(1)], [diner(10)], [Pairing(2, 10)], r"Pairing\(cook_id=2, diner_id=10\).*cook"),
        ([cook(1)], [diner(10)], [Pairing(1, 11)], r"Pairing\(cook_id=1, diner_id=11\).*diner"),
    ],
)
def test_invalid_input_names_the_record(cooks, diners, existing, named):
    with pytest.raises(ValueError, match=named):
        match(cooks, diners, existing)


def test_cook_and_diner_may_share_an_id():
    r = match([cook(1)], [diner(1)])
    assert [(c, d) for c, d, _ in r.pairs] == [(1, 1)]


def test_allergens_are_a_hard_constraint_with_the_needs_reason():
    r = match([cook(1, keeps_out=frozenset({"milk"}))], [diner(10, allergens={"peanuts"})])
    assert r.pairs == []
    assert r.unmatched == {10: NO_COOK_FOR_NEEDS}
    assert r.counts(10) == DinerCounts(1, 0, 0, 0)


def test_a_cook_who_keeps_out_every_allergen_is_matched_and_more_is_fine():
    cooks = [cook(1, keeps_out=frozenset({"peanuts"})), cook(2, (51.51, -0.12))]
    r = match(cooks, [diner(10, allergens=frozenset({"peanuts"})), diner(11)])
    assert sorted((c, d) for c, d, _ in r.pairs) == [(1, 10), (2, 11)]


def test_allergens_and_needs_never_share_names():
    # A need called "milk" is not an allergen called "milk", in either direction.
    assert match([cook(1, can=("milk",))], [diner(10, allergens=frozenset({"milk"}))]).pairs == []
    assert match([cook(1, keeps_out=frozenset({"milk"}))], [diner(10, needs=("milk",))]).pairs == []
    both = cook(1, can=("milk",), keeps_out=frozenset({"milk"}))
    assert (
        len(match([both], [diner(10, needs=("milk",), allergens=frozenset({"milk"}))]).pairs) == 1
    )
