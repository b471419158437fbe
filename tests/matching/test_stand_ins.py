"""Stand-in matching: dates, capacity only for those dates, never the regular cook."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from matching import (
    COOKS_EXCLUDED,
    COOKS_FULL,
    NO_COOK_IN_RANGE,
    Commitment,
    Cook,
    Cover,
    Diner,
    load_during,
    match,
    match_stand_ins,
)

MON = 0
HERE = (51.5, -0.12)
NEAR = (51.505, -0.12)  # about 0.56 km north
NEARER = (51.501, -0.12)
D1, D14 = date(2027, 1, 4), date(2027, 1, 17)


def cook(i, where=HERE, capacity=1, **kw):
    return Cook(i, *where, frozenset({MON}), frozenset(), capacity=capacity, **kw)


def diner(i, where=NEAR, **kw):
    return Diner(i, *where, frozenset({MON}), frozenset(), **kw)


def cover(d, regular, first=D1, last=D14):
    return Cover(diner=d, regular_cook_id=regular, first_day=first, last_day=last)


def test_the_regular_cook_is_never_the_stand_in_even_when_nearest():
    r = match_stand_ins([cook(1, NEARER), cook(2)], [cover(diner(10), regular=1)])
    assert [(c, d) for c, d, _ in r.pairs] == [(2, 10)]


def test_only_the_regular_cook_in_range_leaves_the_diner_uncovered_with_a_reason():
    r = match_stand_ins([cook(1)], [cover(diner(10), regular=1)])
    assert r.pairs == []
    assert r.unmatched == {10: COOKS_EXCLUDED}
    assert "excluded" in r.reasons[10]


def test_capacity_is_taken_only_by_commitments_overlapping_the_dates():
    before = Commitment(2, D1 - timedelta(days=30), D1 - timedelta(days=1))
    after = Commitment(2, D14 + timedelta(days=1), D14 + timedelta(days=9))
    r = match_stand_ins([cook(2)], [cover(diner(10), 1)], [before, after])
    assert [(c, d) for c, d, _ in r.pairs] == [(2, 10)]
    during = Commitment(2, D14, D14 + timedelta(days=3))
    r = match_stand_ins([cook(2)], [cover(diner(10), 1)], [before, during])
    assert r.pairs == [] and r.unmatched == {10: COOKS_FULL}


def test_an_open_ended_regular_pairing_takes_capacity_on_every_date():
    r = match_stand_ins([cook(2)], [cover(diner(10), 1)], [Commitment(2, D1 - timedelta(90))])
    assert r.unmatched == {10: COOKS_FULL}
    r = match_stand_ins(
        [cook(2, capacity=2)], [cover(diner(10), 1)], [Commitment(2, D1 - timedelta(90))]
    )
    assert [(c, d) for c, d, _ in r.pairs] == [(2, 10)]


def test_a_cook_away_on_any_day_of_the_cover_is_not_proposed():
    away = [Commitment(2, D14, D14 + timedelta(days=5))]
    r = match_stand_ins([cook(2)], [cover(diner(10), 1)], away=away)
    assert r.unmatched == {10: NO_COOK_IN_RANGE}
    away = [Commitment(2, D14 + timedelta(days=1), D14 + timedelta(days=5))]
    assert match_stand_ins([cook(2)], [cover(diner(10), 1)], away=away).pairs


def test_two_breaks_on_different_dates_share_one_cook_place_but_overlapping_ones_do_not():
    early = cover(diner(10), 1, D1, D1 + timedelta(days=6))
    late = cover(diner(11), 3, D1 + timedelta(days=7), D14)
    r = match_stand_ins([cook(2)], [late, early])
    assert sorted((c, d) for c, d, _ in r.pairs) == [(2, 10), (2, 11)]
    clash = cover(diner(11), 3, D1 + timedelta(days=6), D14)
    r = match_stand_ins([cook(2)], [early, clash])
    assert [(c, d) for c, d, _ in r.pairs] == [(2, 10)]
    assert r.unmatched == {11: COOKS_FULL}


def test_within_one_break_the_answer_is_the_matchers_most_diners_then_least_distance():
    cooks = [cook(2, HERE), cook(3, (51.51, -0.12))]
    diners = [diner(10, NEARER), diner(11, (51.499, -0.12))]
    standin = match_stand_ins(cooks, [cover(d, regular=99) for d in diners])
    plain = match(cooks, diners)
    assert sorted(standin.pairs) == sorted(plain.pairs)


def test_stated_exclusions_hold_as_in_the_matcher():
    r = match_stand_ins([cook(2)], [cover(diner(10), 1)], excluded={(2, 10)})
    assert r.unmatched == {10: COOKS_EXCLUDED}


@pytest.mark.parametrize(
    ("held", "expected"),
    [
        ([], 0),
        ([Commitment(2, D1 - timedelta(9), D1 - timedelta(1))], 0),
        ([Commitment(2, D1, D1), Commitment(2, D14, D14)], 1),
        ([Commitment(2, D1, D14), Commitment(2, D14, None)], 2),
        ([Commitment(5, D1, D14)], 0),
    ],
)
def test_load_during_counts_the_busiest_day(held, expected):
    assert load_during(held, 2, D1, D14) == expected


def test_a_cover_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="last_day before first_day"):
        match_stand_ins([cook(2)], [cover(diner(10), 1, D14, D1)])
