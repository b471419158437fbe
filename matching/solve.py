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

    ``capacity`` is indexed by the cook positions in ``c``. The slots of one cook share every
    edge, so one maximum matching of the expanded graph gives the Dulmage–Mendelsohn parts of
    whole cooks: a cook with an exposed slot or reached by an alternating path has all its
    slots even, and a cook next to an even diner has all its slots odd. The parts are found on
    the unexpanded edges and only the edges inside each part are expanded again for LAPJVsp.
    """
    cooks, c_loc = _relabel(c, int(c.max()) + 1)
    diners, d_loc = _relabel(d, int(d.max()) + 1)
    nk, nd = len(cooks), len(diners)
    it = _index_dtype(len(c) + nk + nd)
    cap = np.minimum(capacity[cooks], np.bincount(c_loc, minlength=nk))
    by_cook = np.argsort(c_loc, kind="stable").astype(it)
    c_loc, d_loc, w = c_loc[by_cook].astype(it), d_loc[by_cook].astype(it), w[by_cook]
    edge, _, indptr, slot_cook = _expand(c_loc, cap)
    b = csr_matrix((np.ones(len(edge), np.int8), d_loc[edge], indptr), shape=(len(slot_cook), nd))
    del edge, indptr
    diner_of_slot = np.asarray(maximum_bipartite_matching(b, perm_type="column"), it)
    del b
    hit = diner_of_slot >= 0
    partner = diner_of_slot[hit]  # matched diners ...
    partner_cook = slot_cook[hit].astype(it)  # ... and their cooks
    cook_of_diner = np.full(nd, -1, it)
    cook_of_diner[partner] = partner_cook
    # Diners reachable from an exposed diner: diner -> adjacent cook -> that cook's partners.
    d_even = _reachable(
        nd + nk,
        np.concatenate([d_loc, nd + partner_cook]),
        np.concatenate([nd + c_loc, partner]),
        np.flatnonzero(cook_of_diner < 0),
    )[:nd]
    # Cooks reachable from a cook with an exposed slot: cook -> adjacent diner -> its cook.
    k_even = _reachable(
        nk + nd,
        np.concatenate([c_loc, nk + partner]),
        np.concatenate([nk + d_loc, partner_cook]),
        np.flatnonzero(np.bincount(slot_cook[~hit], minlength=nk)),
    )[:nk]
    del partner, partner_cook, cook_of_diner, diner_of_slot, hit, slot_cook
    k_odd = np.zeros(nk, bool)
    k_odd[c_loc[d_even[d_loc]]] = True
    d_odd = np.zeros(nd, bool)
    d_odd[d_loc[k_even[c_loc]]] = True
    d_core = ~(d_even | d_odd)
    k_core = ~(k_even | k_odd)
    chosen = []
    for dm, km, slots_are_rows in (
        (d_even, k_odd, True),
        (d_odd, k_even, False),
        (d_core, k_core, False),
    ):
        e = np.flatnonzero(dm[d_loc] & km[c_loc]).astype(it)
        if not len(e):
            continue
        # Still sorted by cook, so the expansion lists each slot's edges together.
        edge, slot, _, _ = _expand(c_loc[e], cap)
        edge = e[edge]
        ds = d_loc[edge]
        # Rows must be the side every maximum matching saturates (never the larger one).
        r, col = (slot, ds) if slots_are_rows else (ds, slot)
        del slot, ds
        we = w[edge]
        we += _WEIGHT_OFFSET
        chosen.append(edge[solve_full_matchings(r, col, we)])
        del r, col, we, edge
    if not chosen:
        return np.empty(0, np.int64)
    return by_cook[np.concatenate(chosen)]


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
    del g
    comp = label[c_loc]
    # Per-component flags, looked up per edge (edge-length int64 counts would cost GBs).
    lone_c = np.bincount(label[:nc], minlength=label.max() + 1) == 1
    lone_d = np.bincount(label[nc:], minlength=label.max() + 1) == 1
    chosen = []
    # A lone diner takes its nearest cook (lowest position on ties).
    one_d = np.flatnonzero(lone_d[comp])
    order, first = _first_per_group(comp[one_d], km[one_d], c_loc[one_d])
    chosen.append(one_d[order[first]])
    # A lone cook takes its nearest diners, as many as it has slots.
    one_c = np.flatnonzero(lone_c[comp] & ~lone_d[comp])
    order, first = _first_per_group(comp[one_c], km[one_c], d_loc[one_c])
    start = np.maximum.accumulate(np.where(first, np.arange(len(first)), 0))
    rank = np.arange(len(first)) - start
    chosen.append(one_c[order[rank < cap[c_loc[one_c[order]]]]])
    rest = np.flatnonzero(~(lone_c | lone_d)[comp])
    del comp
    if len(rest):
        chosen.append(rest[solve_general(c_loc[rest], d_loc[rest], km[rest], cap)])
    return live[np.sort(np.concatenate(chosen))]
