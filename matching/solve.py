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


def _index_dtype(n: int) -> type:
    """Return int32 when indices up to ``n`` fit, else int64 (halves memory at scale)."""
    return np.int32 if n < 2**31 - 1 else np.int64


def _relabel(x: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (used values in increasing order, x renumbered to 0..len(used)-1) in O(n)."""
    present = np.zeros(n, bool)
    present[x] = True
    used = np.flatnonzero(present)
    local = (np.cumsum(present) - 1).astype(_index_dtype(n))
    return used, local[x]


def _reachable(n: int, src: np.ndarray, dst: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Return a mask of nodes reachable from ``starts`` in the directed graph src->dst."""
    if not len(starts):
        return np.zeros(n, bool)
    # One virtual root pointing at all start nodes makes this a single BFS.
    s = np.concatenate([src, np.full(len(starts), n, src.dtype)])
    t = np.concatenate([dst, starts.astype(dst.dtype)])
    g = csr_matrix((np.ones(len(s), np.int8), (s, t)), shape=(n + 1, n + 1))
    order = breadth_first_order(g, n, directed=True, return_predecessors=False)
    mask = np.zeros(n + 1, bool)
    mask[order] = True
    return mask[:n]


def _min_cost_max_matching(
    ns: int, nd: int, indptr: np.ndarray, d: np.ndarray, s: np.ndarray, w: np.ndarray
) -> np.ndarray:
    """Min-cost maximum matching between slots and diners; return chosen expanded edges.

    The expanded edges are given slot-major: slot ``s[k]`` (non-decreasing, CSR ``indptr``)
    meets diner ``d[k]`` at cost ``w[k]``.
    """
    b = csr_matrix((np.ones(len(d), np.int8), d, indptr), shape=(ns, nd))
    diner_of_slot = np.asarray(maximum_bipartite_matching(b, perm_type="column"), d.dtype)
    del b
    slot_of_diner = np.full(nd, -1, s.dtype)
    hit = diner_of_slot >= 0
    slot_of_diner[diner_of_slot[hit]] = np.flatnonzero(hit)
    # Alternating paths: diner -> any slot -> that slot's partner diner (and symmetrically).
    via = diner_of_slot[s] >= 0
    d_even = _reachable(nd, d[via], diner_of_slot[s[via]], np.flatnonzero(slot_of_diner < 0))
    via = slot_of_diner[d] >= 0
    s_even = _reachable(ns, s[via], slot_of_diner[d[via]], np.flatnonzero(~hit))
    del via
    s_odd = np.zeros(ns, bool)
    s_odd[s[d_even[d]]] = True
    d_odd = np.zeros(nd, bool)
    d_odd[d[s_even[s]]] = True
    d_core = ~(d_even | d_odd)
    s_core = ~(s_even | s_odd)
    chosen = []
    for dm, sm, slots_are_rows in (
        (d_even, s_odd, True),
        (d_odd, s_even, False),
        (d_core, s_core, False),
    ):
        e = np.flatnonzero(dm[d] & sm[s]).astype(_index_dtype(len(d)))
        if len(e):
            # Rows must be the side every maximum matching saturates (never the larger one).
            r, c = (s[e], d[e]) if slots_are_rows else (d[e], s[e])
            chosen.append(e[solve_full_matchings(r, c, w[e])])
            del r, c
    return np.concatenate(chosen) if chosen else np.empty(0, np.int64)


def _expand(c: np.ndarray, cap: np.ndarray):
    """Expand cook-sorted edges slot-major: every slot of a cook repeats the cook's edges.

    Returns (edge index into ``c``, slot per expanded edge, slot CSR indptr, cook per slot).
    """
    nc = len(cap)
    n_per = np.bincount(c, minlength=nc)
    size = cap.astype(np.int64) * n_per
    total = int(size.sum())
    it = _index_dtype(total)
    first_edge = (np.cumsum(n_per) - n_per).astype(it)
    cook_of = np.repeat(np.arange(nc, dtype=it), size)
    pos = np.arange(total, dtype=it)
    pos -= np.repeat((np.cumsum(size) - size).astype(it), size)
    per = n_per.astype(it)[cook_of]
    k = pos // per  # which slot of its cook
    pos -= k * per  # which edge of its cook
    del per
    pos += first_edge[cook_of]
    slot_start = (np.cumsum(cap) - cap).astype(it)
    k += slot_start[cook_of]
    del cook_of
    slot_cook = np.repeat(np.arange(nc), cap)
    indptr = np.concatenate([[0], np.cumsum(n_per[slot_cook])]).astype(it)
    return pos, k, indptr, slot_cook


def solve_general(c: np.ndarray, d: np.ndarray, w: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Exactly solve any feasible graph via slot expansion; return indices of chosen edges.

    ``capacity`` is indexed by the cook positions in ``c``.
    """
    cooks, c_loc = _relabel(c, int(c.max()) + 1)
    diners, d_loc = _relabel(d, int(d.max()) + 1)
    it = _index_dtype(len(c))
    cap = np.minimum(capacity[cooks], np.bincount(c_loc, minlength=len(cooks)))
    by_cook = np.argsort(c_loc, kind="stable").astype(it)
    edge, slot, indptr, _ = _expand(c_loc[by_cook], cap)
    del c_loc
    edge = by_cook[edge]  # expanded edge -> original edge
    del by_cook
    we = w[edge]
    we += _WEIGHT_OFFSET
    chosen = _min_cost_max_matching(int(cap.sum()), len(diners), indptr, d_loc[edge], slot, we)
    return edge[chosen]


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
