"""Property tests: hard constraints, maximum cardinality and minimum distance, on small cases."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from matching import COOKS_FULL, REASON_CODES, Cook, Diner, Pairing, match
from tests.matching.reference import (
    feasible_edges,
    km,
    lp_optimum,
    remaining_capacity,
    stages,
)

NEEDS = ["halal", "veg", "soft"]
# "veg" is both a need and an allergen name here: the two vocabularies must never mix.
ALLERGENS = ["peanuts", "milk", "veg"]
days = st.frozensets(st.integers(0, 6), min_size=1, max_size=4)
# Roughly 4 km x 4 km around central London: dense enough that radii of 1-3 km interact.
lat = st.floats(51.49, 51.53)
lon = st.floats(-0.15, -0.09)
radius = st.sampled_from([0.5, 1.0, 2.0, 3.0])


@st.composite
def instances(draw, max_cooks=6, max_diners=9):
    n_c = draw(st.integers(0, max_cooks))
    n_d = draw(st.integers(0, max_diners))
    cook_ids = draw(st.lists(st.integers(1, 50), min_size=n_c, max_size=n_c, unique=True))
    diner_ids = draw(st.lists(st.integers(1, 50), min_size=n_d, max_size=n_d, unique=True))
    cooks = [
        Cook(
            i,
            draw(lat),
            draw(lon),
            draw(days),
            draw(st.frozensets(st.sampled_from(NEEDS))),
            capacity=draw(st.integers(0, 3)),
            max_km=draw(radius),
            vetted=draw(st.booleans()) or draw(st.booleans()),
            keeps_out=draw(st.frozensets(st.sampled_from(ALLERGENS))),
        )
        for i in cook_ids
    ]
    diners = [
        Diner(
            i,
            draw(lat),
            draw(lon),
            draw(days),
            draw(st.frozensets(st.sampled_from(NEEDS), max_size=2)),
            max_km=draw(radius),
            allergens=draw(st.frozensets(st.sampled_from(ALLERGENS), max_size=2)),
        )
        for i in diner_ids
    ]
    existing = []
    if cooks and diners:
        for d in draw(st.lists(st.sampled_from(diner_ids), max_size=3, unique=True)):
            existing.append(Pairing(draw(st.sampled_from(cook_ids)), d))
        excluded = draw(
            st.lists(st.tuples(st.sampled_from(cook_ids), st.sampled_from(diner_ids)), max_size=4)
        )
    else:
        excluded = []
    return cooks, diners, existing, excluded


def expanded_max_matching(edges, capacity):
    cooks = sorted({c for c, _, _ in edges})
    diners = sorted({d for _, d, _ in edges})
    slots = [(c, k) for c in cooks for k in range(capacity[c])]
    col = {s: j for j, s in enumerate(slots)}
    rows, cols = [], []
    for c, d, _ in edges:
        for k in range(capacity[c]):
            rows.append(diners.index(d))
            cols.append(col[(c, k)])
    if not rows:
        return 0
    g = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(diners), len(slots)))
    return int((maximum_bipartite_matching(g, perm_type="column") >= 0).sum())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_matching_is_feasible_maximum_and_minimum_distance(case):
    cooks, diners, existing, excluded = case
    result = match(cooks, diners, existing, excluded=excluded)
    by_c = {c.id: c for c in cooks}
    by_d = {d.id: d for d in diners}
    taken = {p.diner_id for p in existing}
    capacity = remaining_capacity(cooks, existing)

    # Hard constraints, checked from first principles.
    used = dict.fromkeys(by_c, 0)
    seen = set()
    for c, d, dist in result.pairs:
        cook, diner = by_c[c], by_d[d]
        assert stages(cook, diner) == (True, True, True)
        assert (c, d) not in set(excluded)
        assert d not in taken and d not in seen
        assert abs(dist - km(cook.lat, cook.lon, diner.lat, diner.lon)) < 1e-6
        seen.add(d)
        used[c] += 1
    assert all(used[c] <= capacity[c] for c in used)

    # Every other active diner is reported, and only those.
    assert set(result.unmatched) == set(by_d) - taken - seen
    assert set(result.unmatched.values()) <= set(REASON_CODES)

    # Optimality against independent references.
    edges = feasible_edges(cooks, diners, existing, excluded)
    count, total = lp_optimum(edges, capacity)
    assert len(result.pairs) == count == expanded_max_matching(edges, capacity)
    assert abs(sum(p[2] for p in result.pairs) - total) < 1e-3  # 1 metre

    # cooks_full means a feasible cook exists and all feasible cooks are used up.
    for d, code in result.unmatched.items():
        feasible = {c for c, dd, _ in edges if dd == d}
        assert (code == COOKS_FULL) == bool(feasible)
        assert all(used[c] == capacity[c] for c in feasible)


@settings(max_examples=100, deadline=None)
@given(instances(), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_input_order(case, rnd: random.Random):
    cooks, diners, existing, excluded = case
    first = match(cooks, diners, existing, excluded=excluded)
    cooks, diners, existing, excluded = (list(x) for x in case)
    for x in (cooks, diners, existing, excluded):
        rnd.shuffle(x)
    second = match(cooks, diners, existing, excluded=excluded)
    assert sorted(first.pairs) == sorted(second.pairs)
    assert first.unmatched == second.unmatched
