"""Min-cost full matchings, solved component by component with scipy's LAPJVsp.

scipy's LAPJVsp resets arrays the size of the column set for every row it augments, so its
cost grows like rows x columns. Solving each connected component on its own keeps that
product small; tiny components are packed into one block-diagonal call to save overhead,
and big workloads are spread over worker processes.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components, min_weight_full_bipartite_matching

#: Largest rows x columns product packed into one call (a few milliseconds of LAPJVsp work).
PACK_BUDGET = 2_000_000
#: Below this total rows x columns work a process pool costs more than it saves.
PARALLEL_MIN_WORK = 2_000_000_000

_SHARED: dict[str, np.ndarray] = {}


def _compact(x: np.ndarray) -> tuple[np.ndarray, int]:
    """Renumber the values of ``x`` to 0..k-1 in increasing order, in linear time."""
    lo = int(x.min())
    present = np.zeros(int(x.max()) - lo + 1, bool)
    present[x - lo] = True
    local = np.cumsum(present) - 1
    return local[x - lo], int(local[-1]) + 1


def _solve_block(lo: int, hi: int) -> np.ndarray:
    """Solve edges ``lo:hi`` of the component-sorted arrays; return chosen edge positions."""
    r, nr = _compact(_SHARED["r"][lo:hi])
    c, nc = _compact(_SHARED["c"][lo:hi])
    # Sorting by (row, column) once gives the CSR layout directly and lets the matched pairs
    # be found again by binary search.
    key = r.astype(np.int64) * nc + c
    order = np.argsort(key)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(r, minlength=nr))])
    m = csr_matrix((_SHARED["w"][lo:hi][order], c[order], indptr), shape=(nr, nc))
    mr, mc = min_weight_full_bipartite_matching(m)
    found = np.searchsorted(key[order], np.asarray(mr, np.int64) * nc + np.asarray(mc))
    return lo + order[found]


def solve_full_matchings(r: np.ndarray, c: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Min-weight matching saturating every row; return indices of the chosen edges.

    Each connected component must have a matching saturating its rows, and no more rows
    than columns; weights must be non-zero.
    """
    nr, nc = int(r.max()) + 1, int(c.max()) + 1
    g = coo_matrix((np.ones(len(r), np.int8), (r, c + nr)), shape=(nr + nc,) * 2)
    n_comp, label = connected_components(g, directed=False)
    comp = label[r]
    order = np.argsort(comp, kind="stable")
    comp_sorted = comp[order]
    bounds = np.searchsorted(comp_sorted, np.arange(n_comp + 1))
    rows_per = np.bincount(label[:nr], minlength=n_comp)
    cols_per = np.bincount(label[nr:], minlength=n_comp)
    # Greedily pack consecutive components while the block's rows x columns stays small.
    blocks, work, lo, br, bc = [], 0, 0, 0, 0
    for k in range(n_comp):
        if bounds[k + 1] == bounds[k]:
            continue  # an isolated vertex: nothing to match
        nr_k, nc_k = br + rows_per[k], bc + cols_per[k]
        if br and nr_k * nc_k > PACK_BUDGET:
            blocks.append((lo, int(bounds[k])))
            work += br * bc
            lo, nr_k, nc_k = int(bounds[k]), rows_per[k], cols_per[k]
        br, bc = nr_k, nc_k
    blocks.append((lo, len(order)))
    work += br * bc
    _SHARED.update(r=r[order], c=c[order], w=w[order])
    try:
        if work >= PARALLEL_MIN_WORK and len(blocks) > 1 and (os.cpu_count() or 1) > 1:
            # Biggest first so the two workers finish at about the same time.
            blocks.sort(key=lambda b: b[0] - b[1])
            ctx = multiprocessing.get_context("fork")  # workers inherit _SHARED for free
            with ProcessPoolExecutor(2, mp_context=ctx) as pool:
                parts = list(pool.map(_solve_block, *zip(*blocks, strict=True)))
        else:
            parts = [_solve_block(lo, hi) for lo, hi in blocks]
    finally:
        _SHARED.clear()
    return order[np.concatenate(parts)]
