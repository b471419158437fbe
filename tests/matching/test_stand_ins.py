"""Stand-in matching: dates, capacity only for those dates, never the regular cook."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
from tests.matching.reference import feasible_edges, lp_optimum, stages

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


# Properties on small random cases, checked against the brute-force references.

_lat, _lon = st.floats(51.49, 51.53), st.floats(-0.15, -0.09)
_days = st.frozensets(st.integers(0, 6), min_size=1, max_size=4)
_radius = st.sampled_from([1.0, 2.0, 3.0])
_offsets = st.integers(0, 20)


@st.composite
def stand_in_cases(draw, groups=2):
    cooks = [
        Cook(
            i,
            draw(_lat),
            draw(_lon),
            draw(_days),
            frozenset(),
            capacity=draw(st.integers(0, 3)),
            max_km=draw(_radius),
        )
        for i in range(1, draw(st.integers(1, 6)) + 1)
    ]
    spans = []
    for _ in range(groups):
        start = D1 + timedelta(days=draw(_offsets))
        spans.append((start, start + timedelta(days=draw(st.integers(0, 10)))))
    covers = [
        Cover(
            Diner(100 + k, draw(_lat), draw(_lon), draw(_days), max_km=draw(_radius)),
            regular_cook_id=draw(st.sampled_from([c.id for c in cooks])),
            first_day=(span := draw(st.sampled_from(spans)))[0],
            last_day=span[1],
        )
        for k in range(draw(st.integers(0, 8)))
    ]
    held = []
    for _ in range(draw(st.integers(0, 6))):
        start = D1 + timedelta(days=draw(_offsets))
        length = draw(st.one_of(st.none(), st.integers(0, 10)))
        end = None if length is None else start + timedelta(days=length)
        held.append(Commitment(draw(st.sampled_from([c.id for c in cooks])), start, end))
    return cooks, covers, held


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stand_in_cases())
def test_stand_ins_keep_the_rules_and_dated_capacity(case):
    cooks, covers, held = case
    result = match_stand_ins(cooks, covers, held)
    by_cook = {c.id: c for c in cooks}
    by_diner = {c.diner.id: c for c in covers}
    assert len({d for _, d, _ in result.pairs}) == len(result.pairs)
    assert set(result.unmatched) == set(by_diner) - {d for _, d, _ in result.pairs}
    chosen = []
    for cook_id, diner_id, _ in result.pairs:
        cover = by_diner[diner_id]
        assert cook_id != cover.regular_cook_id
        assert stages(by_cook[cook_id], cover.diner)[2]
        chosen.append(Commitment(cook_id, cover.first_day, cover.last_day))
    # On every day a stand-in cooks, its cook holds no more than their capacity.
    for stand_in in chosen:
        day = stand_in.first_day
        while day <= stand_in.last_day:
            load = load_during([*held, *chosen], stand_in.cook_id, day, day)
            assert load <= max(by_cook[stand_in.cook_id].capacity, 0)
            day += timedelta(days=1)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stand_in_cases(groups=1))
def test_one_break_gets_the_most_stand_ins_then_the_least_distance(case):
    cooks, covers, held = case
    result = match_stand_ins(cooks, covers, held)
    if not covers:
        assert result.pairs == []
        return
    first, last = covers[0].first_day, covers[0].last_day
    capacity = {c.id: max(c.capacity - load_during(held, c.id, first, last), 0) for c in cooks}
    excluded = {(c.regular_cook_id, c.diner.id) for c in covers}
    edges = feasible_edges(cooks, [c.diner for c in covers], excluded=excluded)
    count, total = lp_optimum(edges, capacity)
    assert len(result.pairs) == count
    assert abs(sum(km for _, _, km in result.pairs) - total) < 1e-3
