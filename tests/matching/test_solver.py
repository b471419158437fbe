"""The compiled solver against scipy's exact solvers on random graphs, and its special paths."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from matching import Cook, Diner, match
from matching.graph import adjacency, dm_parts, max_matching
from matching.solve import assign


@st.composite
def graphs(draw, max_cooks=12, max_diners=20):
    """Random bipartite graphs with capacities; small integer costs make many ties."""
    nc = draw(st.integers(1, max_cooks))
    nd = draw(st.integers(1, max_diners))
    density = draw(st.floats(0.05, 0.6))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    mask = rng.random((nc, nd)) < density
    c, d = np.nonzero(mask)
    integer = draw(st.booleans())
    w = rng.integers(0, 6, len(c)).astype(float) if integer else rng.random(len(c)) * 3
    cap = rng.integers(0, 4, nc)
    # Shuffle the edges: the answer must not depend on their order.
    perm = rng.permutation(len(c))
    return c[perm].astype(np.int32), d[perm].astype(np.int32), w[perm], cap


def scipy_lexicographic(c, d, w, cap):
    """(count, cost) of the lexicographic optimum by dense LSA over cook slots plus a
    "stay unmatched" column per diner priced above any total distance."""
    nd = int(d.max()) + 1 if len(d) else 0
    slots = [(k, s) for k in range(len(cap)) for s in range(int(cap[k]))]
    big, never = 1e4, 1e8
    cost = np.full((nd, len(slots) + nd), never)
    cost[:, len(slots) :] = big
    where = {}
    for j, (k, _) in enumerate(slots):
        where.setdefault(k, []).append(j)
    for ci, di, wi in zip(c, d, w, strict=True):
        for j in where.get(int(ci), []):
            cost[di, j] = min(cost[di, j], wi)
    rows, cols = linear_sum_assignment(cost)
    real = cols < len(slots)
    return int(real.sum()), float(cost[rows[real], cols[real]].sum())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_assign_matches_scipy_exact_solver(g):
    c, d, w, cap = g
    chosen = assign(c, d, w, cap, len(cap), int(d.max()) + 1 if len(d) else 0)
    # Feasible: each diner at most once, each cook within capacity.
    assert len(set(d[chosen].tolist())) == len(chosen)
    assert np.all(np.bincount(c[chosen], minlength=len(cap)) <= cap)
    count, total = scipy_lexicographic(c, d, w, cap)
    assert len(chosen) == count
    assert abs(float(w[chosen].sum()) - total) < 1e-9


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_capacitated_maximum_matching_has_scipy_size(g):
    c, d, _, cap = g
    keep = cap[c] > 0
    c, d = c[keep], d[keep]
    nc, nd = len(cap), int(d.max()) + 1 if len(d) else 1
    adj = adjacency(c, d, nc, nd)
    mate, used = max_matching(c, d, *adj, cap.astype(np.int32))
    assert np.all(used <= cap) and np.array_equal(np.bincount(mate[mate >= 0], minlength=nc), used)
    # Every matched pair is an edge.
    pairs = set(zip(c.tolist(), d.tolist(), strict=True))
    assert all((int(k), x) in pairs for x, k in enumerate(mate) if k >= 0)
    # Slot expansion and scipy's Hopcroft–Karp give the size to compare with.
    starts = np.concatenate([[0], np.cumsum(cap)])
    rows, cols = [], []
    for ci, di in zip(c, d, strict=True):
        for s in range(starts[ci], starts[ci + 1]):
            rows.append(di)
            cols.append(s)
    expected = 0
    if rows:
        m = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(nd, int(starts[-1])))
        expected = int((maximum_bipartite_matching(m, perm_type="column") >= 0).sum())
    assert int((mate >= 0).sum()) == expected
    # The parts: even diners only meet odd cooks, and the core is covered exactly.
    dpart, cpart = dm_parts(c, d, *adj, mate, used, cap.astype(np.int32))
    core_d = dpart == 2
    assert np.all(mate[core_d] >= 0) and np.all(cpart[mate[core_d]] == 2)
    assert not np.any((dpart[d] == 0) & (cpart[c] == 1))


def cook(i, lat, cap=1, days=(0,)):
    return Cook(i, lat, 0.0, frozenset(days), frozenset(), capacity=cap, max_km=5.0)


def diner(i, lat, days=(0,)):
    return Diner(i, lat, 0.0, frozenset(days), max_km=5.0)


def test_warm_start_is_undone_when_the_nearest_cook_is_needed_elsewhere():
    # Diner 1 sits next to cook 10 and is served first by the warm start, but diner 2 can
    # only reach cook 10 (cook 20 cooks on another day): the optimum moves diner 1 to cook 20.
    cooks = [cook(10, 51.500, days=(0, 1)), cook(20, 51.510, days=(1,))]
    diners = [diner(1, 51.501, days=(0, 1)), diner(2, 51.499, days=(0,))]
    r = match(cooks, diners)
    assert sorted((c, d) for c, d, _ in r.pairs) == [(10, 2), (20, 1)]


def test_cook_rows_warm_start_is_undone():
    # Two one-slot cooks and three diners, so cooks are the rows. Cook 10 (first) takes its
    # nearest diner 1, but the optimum gives diner 1 to cook 20 and diner 2 to cook 10:
    # 1.2 + 1.5 km beats 1.0 + 3.0 km.
    km = 1 / 111.2  # degrees of latitude per km

    def at(k):
        return 51.5 + k * km

    cooks = [
        Cook(10, at(0), 0.0, frozenset({0}), frozenset(), 1, 2.0),
        Cook(20, at(2.5), 0.0, frozenset({0}), frozenset(), 1, 3.2),
    ]
    diners = [diner(1, at(1.0)), diner(2, at(-1.2)), diner(3, at(5.5))]
    r = match(cooks, diners)
    assert sorted((c, d) for c, d, _ in r.pairs) == [(10, 2), (20, 1)]
    assert sum(k for _, _, k in r.pairs) == pytest.approx(2.7, abs=0.01)


def test_more_diners_beats_a_shorter_total():
    # One cook with one slot between a near diner and a far one who has a second cook:
    # the near diner gets the cook, the far one the other cook, whatever the distances.
    cooks = [cook(10, 51.500), cook(20, 51.540)]
    diners = [diner(1, 51.505), diner(2, 51.520)]
    r = match(cooks, diners)
    assert len(r.pairs) == 2


@pytest.mark.parametrize("n", [1, 3])
def test_lone_cook_takes_its_nearest_diners(n):
    diners = [diner(i, 51.5 + 0.001 * i) for i in range(1, 6)]
    r = match([cook(10, 51.5, cap=n)], diners)
    assert sorted(d for _, d, _ in r.pairs) == list(range(1, n + 1))
