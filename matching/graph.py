"""Compiled graph kernels on the feasible edges: adjacency, a maximum matching, its structure.

Cooks keep their capacity (no per-slot copies of their edges): a maximum matching with
capacities gives the Dulmage–Mendelsohn parts of whole cooks, because the slots of one cook
share every edge. Everything here is linear in the number of edges per pass, compiled with
numba on first use and cached on disk.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def counting_order(key: np.ndarray, n: int, within: np.ndarray) -> tuple:
    """Return (indptr, ``within`` stably reordered by ``key[within]``): a linear-time sort."""
    ptr = np.zeros(n + 1, np.int64)
    for k in range(len(within)):
        ptr[key[within[k]] + 1] += 1
    for i in range(n):
        ptr[i + 1] += ptr[i]
    fill = ptr[:-1].copy()
    out = np.empty(len(within), np.int32)
    for k in range(len(within)):
        e = within[k]
        g = key[e]
        out[fill[g]] = e
        fill[g] += 1
    return ptr, out


def adjacency(cook: np.ndarray, diner: np.ndarray, nc: int, nd: int) -> tuple:
    """Return (cook indptr, edges by cook then diner, diner indptr, edges by diner then cook)."""
    ident = np.arange(len(cook), dtype=np.int32)
    _, by_d = counting_order(diner, nd, ident)
    cptr, by_cd = counting_order(cook, nc, by_d)
    del by_d
    dptr, by_dc = counting_order(diner, nd, by_cd)
    return cptr, by_cd, dptr, by_dc


@njit(cache=True, nogil=True)
def max_matching(cook, diner, cptr, cedge, dptr, dedge, cap):
    """Return (cook per diner or -1, slots used per cook) of a maximum capacitated matching.

    Greedy first, then phases of breadth-first augmenting searches from every cook with a
    free slot, sharing visited marks within a phase, until a phase finds no path. Diners far
    outnumber free slots on the matcher's graphs, so searches from the slots end quickly.
    """
    nc, nd = len(cptr) - 1, len(dptr) - 1
    mate = np.full(nd, -1, np.int32)
    used = np.zeros(nc, np.int32)
    for x in range(nd):
        for k in range(dptr[x], dptr[x + 1]):
            c = cook[dedge[k]]
            if used[c] < cap[c]:
                mate[x] = c
                used[c] += 1
                break
    seen_d = np.zeros(nd, np.int32)  # phase stamps
    seen_c = np.zeros(nc, np.int32)
    via = np.empty(nd, np.int32)  # cook whose edge first reached the diner
    back = np.empty(nc, np.int32)  # matched diner through which the cook was reached
    queue = np.empty(nc, np.int32)
    phase = 0
    while True:
        phase += 1
        found = 0
        for s in range(nc):
            while used[s] < cap[s] and seen_c[s] != phase:
                seen_c[s] = phase
                back[s] = -1
                head, tail = 0, 1
                queue[0] = s
                end = -1
                while head < tail and end < 0:
                    c = queue[head]
                    head += 1
                    for k in range(cptr[c], cptr[c + 1]):
                        y = diner[cedge[k]]
                        if seen_d[y] == phase:
                            continue
                        seen_d[y] = phase
                        via[y] = c
                        z = mate[y]
                        if z < 0:
                            end = y
                            break
                        if seen_c[z] != phase:
                            seen_c[z] = phase
                            back[z] = y
                            queue[tail] = z
                            tail += 1
                if end < 0:
                    break
                # Walk back: each diner on the path moves to the cook that reached it.
                y = end
                while True:
                    c = via[y]
                    mate[y] = c
                    if back[c] < 0:
                        used[c] += 1
                        break
                    y = back[c]
                found += 1
                if used[s] < cap[s]:
                    seen_c[s] = phase - 1  # search again from this cook's next free slot
        if found == 0:
            return mate, used


@njit(cache=True, nogil=True)
def dm_parts(cook, diner, cptr, cedge, dptr, dedge, mate, used, cap):
    """Return (part per diner, part per cook): 0 even diners with odd cooks, 1 odd diners
    with even cooks, 2 the core that every maximum matching covers perfectly."""
    nc, nd = len(cptr) - 1, len(dptr) - 1
    dpart = np.full(nd, 2, np.int8)
    cpart = np.full(nc, 2, np.int8)
    # Diners some maximum matching leaves out: reachable from a free diner.
    nfree = 0
    for x in range(nd):
        if mate[x] < 0:
            nfree += 1
    starts = np.empty(nfree, np.int32)
    nfree = 0
    for x in range(nd):
        if mate[x] < 0:
            starts[nfree] = x
            nfree += 1
    d_even, k_odd = _reach_diners(starts, cook, diner, cptr, cedge, dptr, dedge, mate)
    nspare = 0
    for c in range(nc):
        if used[c] < cap[c]:
            nspare += 1
    starts = np.empty(nspare, np.int32)
    nspare = 0
    for c in range(nc):
        if used[c] < cap[c]:
            starts[nspare] = c
            nspare += 1
    k_even, d_odd = _reach_cooks(starts, cook, diner, cptr, cedge, dptr, dedge, mate)
    for x in range(nd):
        if d_even[x]:
            dpart[x] = 0
        elif d_odd[x]:
            dpart[x] = 1
    for c in range(nc):
        if k_odd[c]:
            cpart[c] = 0
        elif k_even[c]:
            cpart[c] = 1
    return dpart, cpart


@njit(cache=True, nogil=True)
def _reach_diners(starts, cook, diner, cptr, cedge, dptr, dedge, mate):
    """Diners reachable from ``starts`` (diner -> cook -> its matched diners), and the cooks."""
    nc, nd = len(cptr) - 1, len(dptr) - 1
    mark = np.zeros(nd, np.uint8)
    hit = np.zeros(nc, np.uint8)
    queue = np.empty(nd, np.int32)
    tail = 0
    for s in starts:
        mark[s] = 1
        queue[tail] = s
        tail += 1
    head = 0
    while head < tail:
        x = queue[head]
        head += 1
        for k in range(dptr[x], dptr[x + 1]):
            c = cook[dedge[k]]
            if hit[c]:
                continue
            hit[c] = 1
            for q in range(cptr[c], cptr[c + 1]):
                y = diner[cedge[q]]
                if not mark[y] and mate[y] == c:
                    mark[y] = 1
                    queue[tail] = y
                    tail += 1
    return mark, hit


@njit(cache=True, nogil=True)
def _reach_cooks(starts, cook, diner, cptr, cedge, dptr, dedge, mate):
    """Cooks reachable from ``starts`` (cook -> diner -> that diner's cook), and the diners."""
    nc, nd = len(cptr) - 1, len(dptr) - 1
    mark = np.zeros(nc, np.uint8)
    hit = np.zeros(nd, np.uint8)
    queue = np.empty(nc, np.int32)
    tail = 0
    for s in starts:
        mark[s] = 1
        queue[tail] = s
        tail += 1
    head = 0
    while head < tail:
        c = queue[head]
        head += 1
        for k in range(cptr[c], cptr[c + 1]):
            y = diner[cedge[k]]
            if hit[y]:
                continue
            hit[y] = 1
            z = mate[y]
            if z >= 0 and not mark[z]:
                mark[z] = 1
                queue[tail] = z
                tail += 1
    return mark, hit


@njit(cache=True, nogil=True)
def part_arrays(order, row_of, col_of, km, row_part, col_part, lo, hi, nr, nc):
    """Gather the edges of DM parts ``lo..hi`` into row-ordered arrays for ``solve_rows``.

    ``order`` lists edge ids grouped by row (and within a row by column, which fixes how
    ties are broken). An edge belongs when both ends carry the same part in ``lo..hi``.
    Returns (edge ids, row indptr, column, km, row, column indptr, edges by column).
    """
    n = 0
    for k in range(len(order)):
        e = order[k]
        p = row_part[row_of[e]]
        if lo <= p <= hi and col_part[col_of[e]] == p:
            n += 1
    edges = np.empty(n, np.int32)
    rows = np.empty(n, np.int32)
    cols = np.empty(n, np.int32)
    w = np.empty(n)
    rptr = np.zeros(nr + 1, np.int64)
    cptr = np.zeros(nc + 1, np.int64)
    n = 0
    for k in range(len(order)):
        e = order[k]
        r = row_of[e]
        p = row_part[r]
        if lo <= p <= hi and col_part[col_of[e]] == p:
            edges[n] = e
            rows[n] = r
            cols[n] = col_of[e]
            w[n] = km[e]
            rptr[r + 1] += 1
            cptr[cols[n] + 1] += 1
            n += 1
    for i in range(nr):
        rptr[i + 1] += rptr[i]
    for j in range(nc):
        cptr[j + 1] += cptr[j]
    fill = cptr[:-1].copy()
    cedge = np.empty(n, np.int32)
    for k in range(n):
        j = cols[k]
        cedge[fill[j]] = k
        fill[j] += 1
    return edges, rptr, cols, w, rows, cptr, cedge
