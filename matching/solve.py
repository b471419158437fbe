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

from matching.graph import adjacency, dm_parts, max_matching, part_arrays
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
    # Odd cooks into even diners (part 0): every slot of those cooks is filled, so cooks
    # are the rows. Odd diners into even cooks (1) and the perfect core (2): every diner
    # there is matched, so diners are the rows.
    part = part_arrays(cedge, c_loc, d_loc, km, cpart, dpart, 0, 0, nk, nd)
    del cedge
    chosen = [_solve_part(part, np.where(cpart == 0, cap, 0), np.ones(nd, np.int32))]
    del part
    part = part_arrays(dedge, d_loc, c_loc, km, dpart, cpart, 1, 2, nd, nk)
    del dedge
    chosen.append(_solve_part(part, (dpart > 0).astype(np.int32), cap))
    del part
    out = np.sort(np.concatenate(chosen))
    return out if live is None else live[out]


def _solve_part(part: tuple, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve one part gathered by ``part_arrays``; return the ids of the chosen edges."""
    edges, rptr, cols, w, rows, cptr, cedge = part
    flow = np.zeros(len(edges), np.uint8)
    solve_rows(rptr, cols, w, rows, cptr, cedge, a.astype(np.int32), b, flow)
    return edges[flow.view(bool)]
