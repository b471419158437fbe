"""Exact lexicographic assignment: most diners first, then least total distance.

The feasible graph is split into connected components. Components with a single cook or a
single diner are solved in closed form (the nearest ones win). The rest is capacity-expanded
(one column per cook slot) and decomposed with the Dulmage–Mendelsohn / Gallai–Edmonds
structure of one maximum matching:

* ``D`` – vertices left unmatched by *some* maximum matching (reachable by an alternating
  path from an exposed vertex of the same side),
* ``A`` – their neighbours, which every maximum matching matches into ``D``,
* ``C`` – everything else, which every maximum matching matches perfectly within ``C``.

Every maximum matching is therefore the union of a matching saturating diner-side ``A``
into slot-side ``D``, one saturating slot-side ``A`` into diner-side ``D`` and a perfect
matching of ``C``; edges between the parts are in no maximum matching. So the min-cost
maximum matching is three independent min-cost *full* matchings, each solved exactly by
scipy's LAPJVsp (``min_weight_full_bipartite_matching``) without dummy vertices.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import (
    breadth_first_order,
    connected_components,
    maximum_bipartite_matching,
)

from matching.blocks import solve_full_matchings

# Added to every edge weight: scipy drops explicit zeros, and a constant per edge cannot
# change the optimum because every candidate matching of a subproblem has equal size.
_WEIGHT_OFFSET = 1.0


def _relabel(x: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (used values in increasing order, x renumbered to 0..len(used)-1) in O(n)."""
    present = np.zeros(n, bool)
    present[x] = True
    used = np.flatnonzero(present)
    local = np.cumsum(present) - 1
    return used, local[x]


def _reachable(n: int, src: np.ndarray, dst: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Return a mask of nodes reachable from ``starts`` in the directed graph src->dst."""
    if not len(starts):
        return np.zeros(n, bool)
    # One virtual root pointing at all start nodes makes this a single BFS.
    s = np.concatenate([src, np.full(len(starts), n)])
    t = np.concatenate([dst, starts])
    g = csr_matrix((np.ones(len(s), np.int8), (s, t)), shape=(n + 1, n + 1))
    order = breadth_first_order(g, n, directed=True, return_predecessors=False)
    mask = np.zeros(n + 1, bool)
    mask[order] = True
    return mask[:n]


def _min_cost_max_matching(d: np.ndarray, s: np.ndarray, w: np.ndarray, nd: int, ns: int):
    """Min-cost maximum matching between diners and slots; return matched (diner, slot)."""
    b = csr_matrix((np.ones(len(d), np.int8), (d, s)), shape=(nd, ns))
    col_of_row = np.asarray(maximum_bipartite_matching(b, perm_type="column"), np.int64)
    row_of_col = np.full(ns, -1, np.int64)
    hit = col_of_row >= 0
    row_of_col[col_of_row[hit]] = np.flatnonzero(hit)
    # Alternating paths: diner -> any slot -> that slot's partner diner (and symmetrically).
    via = row_of_col[s] >= 0
    d_even = _reachable(nd, d[via], row_of_col[s[via]], np.flatnonzero(~hit))
    via = col_of_row[d] >= 0
    s_even = _reachable(ns, s[via], col_of_row[d[via]], np.flatnonzero(row_of_col < 0))
    s_odd = np.zeros(ns, bool)
    s_odd[s[d_even[d]]] = True
    d_odd = np.zeros(nd, bool)
    d_odd[d[s_even[s]]] = True
    d_core = ~(d_even | d_odd)
    s_core = ~(s_even | s_odd)
    md, ms = [], []
    for dm, sm, slots_are_rows in (
        (d_even, s_odd, True),
        (d_odd, s_even, False),
        (d_core, s_core, False),
    ):
        e = np.flatnonzero(dm[d] & sm[s])
        if len(e):
            # Rows must be the side every maximum matching saturates (never the larger one).
            r, c = (s[e], d[e]) if slots_are_rows else (d[e], s[e])
            chosen = e[solve_full_matchings(r, c, w[e])]
            md.append(d[chosen])
            ms.append(s[chosen])
    if not md:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(md), np.concatenate(ms)


def _expand(c: np.ndarray, d: np.ndarray, w: np.ndarray, cap: np.ndarray):
    """Give each cook one column per unit of capacity; return (diner, slot, w, slot_cook)."""
    slot_start = np.concatenate([[0], np.cumsum(cap)])
    per_edge = cap[c]
    rep = np.repeat(np.arange(len(c)), per_edge)
    within = np.arange(len(rep)) - np.repeat(np.cumsum(per_edge) - per_edge, per_edge)
    slot = slot_start[c[rep]] + within
    return d[rep], slot, w[rep], np.repeat(np.arange(len(cap)), cap)


def solve_general(c: np.ndarray, d: np.ndarray, w: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Exactly solve any feasible graph via slot expansion; return indices of chosen edges.

    ``capacity`` is indexed by the cook positions in ``c``.
    """
    cooks, c_loc = _relabel(c, int(c.max()) + 1)
    diners, d_loc = _relabel(d, int(d.max()) + 1)
    nd = len(diners)
    cap = np.minimum(capacity[cooks], np.bincount(c_loc, minlength=len(cooks)))
    ds, slot, ws, slot_cook = _expand(c_loc, d_loc, w + _WEIGHT_OFFSET, cap)
    md, ms = _min_cost_max_matching(ds, slot, ws, nd, int(cap.sum()))
    mc = slot_cook[ms]
    # Map chosen (cook, diner) back to edge indices; every pair appears once among the edges.
    key = c_loc.astype(np.int64) * nd + d_loc
    order = np.argsort(key, kind="stable")
    return order[np.searchsorted(key[order], mc * nd + md)]


def _first_per_group(group: np.ndarray, *keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return edge indices sorted by (group, *keys) together with a first-of-group mask."""
    order = np.lexsort((*reversed(keys), group))
    g = group[order]
    first = np.ones(len(g), bool)
    first[1:] = g[1:] != g[:-1]
    return order, first


def assign(
    c: np.ndarray, d: np.ndarray, km: np.ndarray, capacity: np.ndarray, n_cooks: int, n_diners: int
) -> np.ndarray:
    """Return indices of the edges forming a min-distance maximum capacity-respecting matching.

    ``c``/``d`` are cook/diner positions of the feasible edges, ``capacity`` the remaining
    capacity per cook. Ties are broken by position, i.e. by id, never by input order.
    """
    live = np.flatnonzero(capacity[c] > 0)
    c, d, km = c[live], d[live], km[live]
    if not len(c):
        return np.empty(0, np.int64)
    cooks, c_loc = _relabel(c, n_cooks)
    _, d_loc = _relabel(d, n_diners)
    nc = len(cooks)
    nd = int(d_loc.max()) + 1
    # No cook can use more slots than it has candidate diners.
    cap = np.minimum(capacity[cooks], np.bincount(c_loc, minlength=nc))
    g = coo_matrix((np.ones(len(c), np.int8), (c_loc, d_loc + nc)), shape=(nc + nd,) * 2)
    _, label = connected_components(g, directed=False)
    comp = label[c_loc]
    n_c = np.bincount(label[:nc], minlength=label.max() + 1)[comp]
    n_d = np.bincount(label[nc:], minlength=label.max() + 1)[comp]
    chosen = []
    # A lone diner takes its nearest cook (lowest position on ties).
    one_d = np.flatnonzero(n_d == 1)
    order, first = _first_per_group(comp[one_d], km[one_d], c_loc[one_d])
    chosen.append(one_d[order[first]])
    # A lone cook takes its nearest diners, as many as it has slots.
    one_c = np.flatnonzero((n_c == 1) & (n_d > 1))
    order, first = _first_per_group(comp[one_c], km[one_c], d_loc[one_c])
    start = np.maximum.accumulate(np.where(first, np.arange(len(first)), 0))
    rank = np.arange(len(first)) - start
    chosen.append(one_c[order[rank < cap[c_loc[one_c[order]]]]])
    rest = np.flatnonzero((n_c > 1) & (n_d > 1))
    if len(rest):
        chosen.append(rest[solve_general(c_loc[rest], d_loc[rest], km[rest], cap)])
    return live[np.sort(np.concatenate(chosen))]
