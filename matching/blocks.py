"""Min-cost full matchings, solved component by component with scipy's LAPJVsp.

scipy's LAPJVsp resets arrays the size of the column set for every row it augments, so its
cost grows like rows x columns. Solving each connected component on its own keeps that
product small; tiny components are packed into one block-diagonal call to save overhead,
and big workloads made of several comparable blocks are spread over worker processes.
Index arrays are int32 whenever they fit: at country scale there are tens of millions of
expanded edges, and every byte per edge counts towards peak memory.
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
#: A pool only pays when no single block holds more than this share of the work.
PARALLEL_MAX_SHARE = 0.6

_SHARED: dict[str, np.ndarray] = {}


def _compact(x: np.ndarray) -> tuple[np.ndarray, int]:
    """Renumber the values of ``x`` to 0..k-1 in increasing order, in linear time."""
    lo = int(x.min())
    present = np.zeros(int(x.max()) - lo + 1, bool)
    present[x - lo] = True
    local = (np.cumsum(present) - 1).astype(np.int32 if len(present) < 2**31 - 1 else np.int64)
    return local[x - lo], int(local[-1]) + 1


def _solve_block(lo: int, hi: int) -> np.ndarray:
    """Solve edges ``lo:hi`` of the component-sorted arrays; return chosen edge positions."""
    r, nr = _compact(_SHARED["r"][lo:hi])
    c, nc = _compact(_SHARED["c"][lo:hi])
    w = _SHARED["w"][lo:hi]
    order = None
    if len(r) > 1 and np.any(r[1:] < r[:-1]):
        # CSR needs each row's edges together (their order within a row does not matter).
        order = np.argsort(r, kind="stable")
        r, c, w = r[order], c[order], w[order]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(r, minlength=nr))])
    m = csr_matrix((w, c, indptr), shape=(nr, nc))
    del w
    _, col_of_row = min_weight_full_bipartite_matching(m)
    del m
    # Each (row, column) pair occurs once, so the chosen edges are where the columns agree.
    found = np.flatnonzero(np.asarray(col_of_row)[r] == c)
    return lo + (found if order is None else order[found])


def solve_full_matchings(r: np.ndarray, c: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Min-weight matching saturating every row; return indices of the chosen edges.

    Each connected component must have a matching saturating its rows, and no more rows
    than columns; weights must be non-zero.
    """
    nr, nc = int(r.max()) + 1, int(c.max()) + 1
    g = coo_matrix((np.ones(len(r), np.int8), (r, c + nr)), shape=(nr + nc,) * 2)
    n_comp, label = connected_components(g, directed=False)
    del g
    comp = label[r]
    rows_per = np.bincount(label[:nr], minlength=n_comp)
    cols_per = np.bincount(label[nr:], minlength=n_comp)
    edges_per = np.bincount(comp, minlength=n_comp)
    del label
    if np.count_nonzero(edges_per) == 1:
        order = None  # one component holds every edge: no need to sort
        bounds = np.array([0, len(r)])
        nonempty = np.array([0])
    else:
        # Stable, so rows that arrived grouped stay grouped within each component.
        order = np.argsort(comp, kind="stable").astype(r.dtype)
        bounds = np.concatenate([[0], np.cumsum(edges_per)])
        nonempty = np.flatnonzero(edges_per)
    del comp
    # Greedily pack consecutive components while the block's rows x columns stays small.
    blocks, works, lo, br, bc = [], [], 0, 0, 0
    for k in nonempty.tolist():
        nr_k, nc_k = br + int(rows_per[k]), bc + int(cols_per[k])
        if br and nr_k * nc_k > PACK_BUDGET:
            blocks.append((lo, int(bounds[k])))
            works.append(br * bc)
            lo, nr_k, nc_k = int(bounds[k]), int(rows_per[k]), int(cols_per[k])
        br, bc = nr_k, nc_k
    blocks.append((lo, len(r)))
    works.append(br * bc)
    if order is None:
        _SHARED.update(r=r, c=c, w=w)
    else:
        _SHARED.update(r=r[order], c=c[order], w=w[order])
    work = sum(works)
    try:
        if (
            work >= PARALLEL_MIN_WORK
            and max(works) <= PARALLEL_MAX_SHARE * work
            and len(blocks) > 1
            and (os.cpu_count() or 1) > 1
        ):
            # Biggest first so the two workers finish at about the same time.
            blocks.sort(key=lambda b: b[0] - b[1])
            ctx = multiprocessing.get_context("fork")  # workers inherit _SHARED for free
            with ProcessPoolExecutor(2, mp_context=ctx) as pool:
                parts = list(pool.map(_solve_block, *zip(*blocks, strict=True)))
        else:
            parts = [_solve_block(lo, hi) for lo, hi in blocks]
    finally:
        _SHARED.clear()
    chosen = np.concatenate(parts)
    return chosen if order is None else order[chosen]
