"""Exact min-cost transportation by successive shortest paths, compiled with numba.

Rows must ship all their supply ``a`` (one unit per edge) to columns of capacity ``b``. The
solver keeps node potentials ``p`` with reduced cost ``w + p[row] - p[col] >= 0`` on every
unused edge and ``<= 0`` on every used one, so each augmentation is a Dijkstra search from one
row with non-negative reduced costs. Three things make it fast on the matcher's graphs:

* a warm start: every row takes its nearest columns while they have room, with potentials
  that make exactly those edges tight, so most rows never need a search;
* each search stops at the first column with room it settles and touches only what it
  reached (no sweep over all columns, unlike LAPJVsp), and only settled nodes change price;
* column potentials start equal and only ever decrease for full columns, so a column with
  room is never settled before the end of a search and the single sink needs no node.

Row-by-row augmentation is exact only when every row can be saturated, which the caller
guarantees (the Dulmage–Mendelsohn parts in ``solve.py``). Compiled on first use and cached on
disk (``cache=True``), so later processes load the machine code instead of compiling.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _push(hd: np.ndarray, hn: np.ndarray, size: int, d: float, v: int) -> int:
    """Push (d, v) on the binary heap held in ``hd``/``hn``; return the new size."""
    k = size
    while k > 0:
        parent = (k - 1) >> 1
        if hd[parent] <= d:
            break
        hd[k] = hd[parent]
        hn[k] = hn[parent]
        k = parent
    hd[k] = d
    hn[k] = v
    return size + 1


@njit(cache=True, nogil=True)
def _pop(hd: np.ndarray, hn: np.ndarray, size: int) -> int:
    """Remove the heap's minimum (read it from hd[0]/hn[0] first); return the new size."""
    size -= 1
    d, v = hd[size], hn[size]
    k = 0
    while True:
        child = 2 * k + 1
        if child >= size:
            break
        if child + 1 < size and hd[child + 1] < hd[child]:
            child += 1
        if hd[child] >= d:
            break
        hd[k] = hd[child]
        hn[k] = hn[child]
        k = child
    hd[k] = d
    hn[k] = v
    return size


@njit(cache=True, nogil=True)
def _warm_start(rptr, col, w, a, b, flow, used, need, p):
    """Give each row its nearest columns while they have room; price rows to keep them tight."""
    for i in range(len(a)):
        taken = 0
        last = np.inf
        while taken < a[i]:
            best = -1
            for e in range(rptr[i], rptr[i + 1]):
                if flow[e] == 0 and (best < 0 or w[e] < w[best]):
                    best = e
            if best < 0:
                break
            if used[col[best]] >= b[col[best]]:
                # The nearest remaining column is full: price the row at its distance so no
                # unused edge of this row has a negative reduced cost.
                last = w[best] if taken == 0 else last
                break
            flow[best] = 1
            used[col[best]] += 1
            taken += 1
            last = w[best]
        need[i] = a[i] - taken
        p[i] = -last if last < np.inf else 0.0


@njit(cache=True, nogil=True)
def solve_rows(rptr, col, w, erow, cptr, cedge, a, b, flow):
    """Set ``flow`` (0/1 per edge) to a min-cost flow saturating every row's supply ``a``.

    Row i's edges are ``rptr[i]:rptr[i + 1]`` (so a row's scan reads memory in order), going
    to columns ``col`` at cost ``w``; ``cedge[cptr[j]:cptr[j + 1]]`` lists column j's edges.
    Columns take at most ``b`` units. Returns (searches, nodes settled in all searches).
    """
    nr, nc = len(a), len(b)
    n = nr + nc
    used = np.zeros(nc, np.int32)
    need = np.zeros(nr, np.int32)
    p = np.zeros(n)
    _warm_start(rptr, col, w, a, b, flow, used, need, p)
    dist = np.full(n, np.inf)
    pred = np.full(n, -1, np.int64)
    done = np.zeros(n, np.uint8)
    touched = np.empty(n, np.int32)
    settled = np.empty(n, np.int32)
    cap = 1024
    hd = np.empty(cap)
    hn = np.empty(cap, np.int32)
    searches, total = 0, 0
    for i0 in range(nr):
        while need[i0] > 0:
            searches += 1
            nt, ns, size = 0, 0, 0
            dist[i0] = 0.0
            touched[nt] = i0
            nt += 1
            size = _push(hd, hn, size, 0.0, i0)
            sink = -1
            big = 0.0
            while size > 0:
                dv, v = hd[0], hn[0]
                size = _pop(hd, hn, size)
                if done[v] or dv > dist[v]:
                    continue
                done[v] = 1
                settled[ns] = v
                ns += 1
                if v >= nr:
                    j = v - nr
                    if used[j] < b[j]:
                        sink, big = v, dv
                        break
                    # A full column: leave it along one of its used edges, back to a row.
                    lo, hi = cptr[j], cptr[j + 1]
                else:
                    lo, hi = rptr[v], rptr[v + 1]
                for k in range(lo, hi):
                    if v >= nr:
                        e = cedge[k]
                        if flow[e] == 0:
                            continue
                        u = erow[e]
                        nd = dv + max(p[v] - w[e] - p[u], 0.0)
                    else:
                        e = k
                        if flow[e] != 0:
                            continue
                        u = nr + col[e]
                        nd = dv + max(w[e] + p[v] - p[u], 0.0)
                    if nd < dist[u]:
                        if dist[u] == np.inf:
                            touched[nt] = u
                            nt += 1
                        dist[u] = nd
                        pred[u] = e
                        if size == cap:
                            cap *= 2
                            hd = np.concatenate((hd, np.empty(cap - size)))
                            hn = np.concatenate((hn, np.empty(cap - size, np.int32)))
                        size = _push(hd, hn, size, nd, u)
            if sink < 0:
                raise ValueError("a row cannot be saturated")
            # Flip the path: edges into columns become used, edges out of columns unused.
            v = sink
            while v != i0:
                e = pred[v]
                if v >= nr:
                    flow[e] = 1
                    v = erow[e]
                else:
                    flow[e] = 0
                    v = nr + col[e]
            used[sink - nr] += 1
            need[i0] -= 1
            total += ns
            for k in range(ns):
                u = settled[k]
                p[u] -= big - dist[u]
                done[u] = 0
            for k in range(nt):
                dist[touched[k]] = np.inf
    return searches, total
