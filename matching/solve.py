"""Exact lexicographic assignment: most diners first, then least total distance.

One maximum matching (with capacities, ``graph.max_matching``) gives the Dulmage–Mendelsohn /
Gallai–Edmonds structure of the feasible graph:

* ``D`` – vertices left unmatched by *some* maximum matching (reachable by an alternating
  path from an exposed vertex of the same side),
* ``A`` – their neighbours, which every maximum matching matches into ``D``,
* ``C`` – everything else, which every maximum matching matches perfectly within ``C``.

Every maximum matching is therefore the union of a matching saturating the odd cooks into
even diners, one saturating the odd diners into even cooks and a perfect matching of ``C``;
edges between the parts are in no maximum matching. So the min-cost maximum matching is a
min-cost flow that saturates a known side of each part, which successive shortest paths
(``ssp.solve_rows``) find exactly, one row at a time, with searches that stay local.
"""

from __future__ import annotations

import numpy as np

from matching.graph import adjacency, counting_order, dm_parts, max_matching
from matching.ssp import solve_rows


def _relabel(x: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (used values in increasing order, x renumbered to 0..len(used)-1 as int32)."""
    present = np.zeros(n, bool)
    present[x] = True
    used = np.flatnonzero(present)
    local = np.cumsum(present, dtype=np.int32)
    local -= 1
    return used, local[x]


def assign(
    c: np.ndarray, d: np.ndarray, km: np.ndarray, capacity: np.ndarray, n_cooks: int, n_diners: int
) -> np.ndarray:
    """Return indices of the edges forming a min-distance maximum capacity-respecting matching.

    ``c``/``d`` are cook/diner positions of the feasible edges, ``capacity`` the remaining
    capacity per cook. Ties are broken by position, i.e. by id, never by input order.
    """
    live = np.flatnonzero(capacity[c] > 0)
    if not len(live):
        return np.empty(0, np.int64)
    if len(live) == len(c):
        live = None  # every edge is live: no copies needed
    else:
        c, d, km = c[live], d[live], km[live]
    cooks, c_loc = _relabel(c, n_cooks)
    _, d_loc = _relabel(d, n_diners)
    nk, nd = len(cooks), int(d_loc.max()) + 1
    # No cook can use more slots than it has candidate diners.
    cap = np.minimum(capacity[cooks], np.bincount(c_loc, minlength=nk)).astype(np.int32)
    del cooks
    cptr, cedge, dptr, dedge = adjacency(c_loc, d_loc, nk, nd)
    mate, used = max_matching(c_loc, d_loc, cptr, cedge, dptr, dedge, cap)
    dpart, cpart = dm_parts(c_loc, d_loc, cptr, cedge, dptr, dedge, mate, used, cap)
    del mate, used, cptr, dptr
    part = np.where(dpart[d_loc] == cpart[c_loc], dpart[d_loc], -1).astype(np.int8)
    del dpart, cpart
    # Odd cooks into even diners: every slot of those cooks is filled, so cooks are the rows.
    edges = cedge[part[cedge] == 0]
    del cedge
    a = np.zeros(nk, np.int32)
    a[c_loc[edges]] = cap[c_loc[edges]]
    chosen = [_solve_part(edges, c_loc, d_loc, km, a, np.ones(nd, np.int32))]
    # Odd diners into even cooks, and the perfect core: every diner there is matched.
    edges = dedge[part[dedge] > 0]
    del dedge, part
    a = np.zeros(nd, np.int32)
    a[d_loc[edges]] = 1
    chosen.append(_solve_part(edges, d_loc, c_loc, km, a, cap))
    out = np.sort(np.concatenate(chosen))
    return out if live is None else live[out]


def _solve_part(edges, row_of, col_of, km, a, b) -> np.ndarray:
    """Solve one part given its edges grouped by row; return the chosen ones."""
    if not len(edges):
        return edges
    rows = row_of[edges]
    rptr = np.zeros(len(a) + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=len(a)), out=rptr[1:])
    cols = col_of[edges]
    cptr, cedge = counting_order(cols, len(b), np.arange(len(edges), dtype=np.int32))
    flow = np.zeros(len(edges), np.uint8)
    w = np.ascontiguousarray(km[edges], dtype=np.float64)
    solve_rows(rptr, cols, w, rows, cptr, cedge, a, b, flow)
    return edges[flow.view(bool)]
