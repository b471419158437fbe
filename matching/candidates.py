"""Candidate search: which cooks could serve which diners, and why the others cannot."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from threading import Lock

import numpy as np
from numba import njit
from scipy.spatial import cKDTree

from matching.geo import EARTH_RADIUS_KM, chord_for_km, unit_vectors
from matching.prepare import People

# Up to this many distinct radii per side get their own KD-tree, so every tree pair is queried
# at exactly the radius it needs instead of everybody at the largest radius.
MAX_RADIUS_BUCKETS = 4
#: Up to this many cook-diner pairs are compared directly instead of through KD-trees.
DIRECT_PAIRS = 200_000


@dataclass(slots=True)
class Candidates:
    """Feasible (cook, diner, km) edges plus per-diner counts after each filter."""

    cook: np.ndarray  # int32 positions into the id-sorted cooks
    diner: np.ndarray  # int32 positions into the id-sorted diners
    km: np.ndarray
    counts: np.ndarray  # (n_diners, 4) int32: in_range, fit_needs, share_day, feasible


@njit(cache=True, nogil=True)
def _pair_km(cu: np.ndarray, du: np.ndarray, ci: np.ndarray, di: np.ndarray) -> np.ndarray:
    """Great-circle km between unit vectors ``cu[ci]`` and ``du[di]``, pair by pair.

    Every search path computes distances with this one function (never a tree's own), so a
    pair found directly and the same pair found through a tree agree to the last bit.
    """
    out = np.empty(len(ci))
    for k in range(len(ci)):
        a, b = ci[k], di[k]
        dx = cu[a, 0] - du[b, 0]
        dy = cu[a, 1] - du[b, 1]
        dz = cu[a, 2] - du[b, 2]
        half = np.sqrt(dx * dx + dy * dy + dz * dz) / 2
        out[k] = 2 * EARTH_RADIUS_KM * np.arcsin(min(half, 1.0))
    return out


def _buckets(max_km: np.ndarray) -> list[tuple[np.ndarray, float]]:
    """Group positions by radius (a few groups at most); each group with its radius."""
    values = np.unique(max_km)
    if len(values) <= MAX_RADIUS_BUCKETS:
        return [(np.flatnonzero(max_km == v).astype(np.int32), float(v)) for v in values]
    return [(np.arange(len(max_km), dtype=np.int32), float(values[-1]))]


def in_range_pairs(
    cooks: People,
    cook_sel: np.ndarray,
    diners: People,
    diner_sel: np.ndarray,
    workers: int = 2,
    then: Callable[[np.ndarray, np.ndarray, np.ndarray], tuple] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (cook, diner, km) for selected pairs within ``min`` of both radii.

    This is the KD-tree search alone: the benchmark's floor and the reference's first phase.
    ``then``, if given, maps each tree pair's (cook, diner, km) to a filtered (cook, diner,
    km) in the worker, so that only survivors are ever held all at once. A few newcomers
    against everybody are compared directly, which beats building trees for them.
    """
    cu = unit_vectors(cooks.lat[cook_sel], cooks.lon[cook_sel])
    du = unit_vectors(diners.lat[diner_sel], diners.lon[diner_sel])

    def finish(ci: np.ndarray, di: np.ndarray):
        km = _pair_km(cu, du, ci, di)
        c, d = cook_sel[ci].astype(np.int32), diner_sel[di].astype(np.int32)
        keep = km <= np.minimum(cooks.max_km[c], diners.max_km[d])
        part = c[keep], d[keep], km[keep]
        return part if then is None else then(*part)

    if len(cook_sel) * len(diner_sel) <= DIRECT_PAIRS:
        ci = np.repeat(np.arange(len(cook_sel), dtype=np.int32), len(diner_sel))
        di = np.tile(np.arange(len(diner_sel), dtype=np.int32), len(cook_sel))
        parts = [finish(ci, di)]
    else:
        cb = _buckets(cooks.max_km[cook_sel])
        db = _buckets(diners.max_km[diner_sel])
        ctrees = [cKDTree(cu[idx]) for idx, _ in cb]
        dtrees = [cKDTree(du[idx]) for idx, _ in db]

        def query(job: tuple[int, int]):
            a, b = job
            (cidx, cr), (didx, dr) = cb[a], db[b]
            # A hair of slack so rounding never drops a pair sitting exactly on the boundary;
            # the exact test against the radii follows.
            r = float(chord_for_km(min(cr, dr))) * (1 + 1e-9) + 1e-15
            s = dtrees[b].sparse_distance_matrix(ctrees[a], r, output_type="ndarray")
            ci, di = cidx[s["j"]], didx[s["i"]]
            del s
            return finish(ci, di)

        jobs = [(a, b) for a in range(len(cb)) for b in range(len(db))]
        if workers > 1 and len(jobs) > 1:
            with ThreadPoolExecutor(workers) as pool:
                parts = list(pool.map(query, jobs))
        else:
            parts = [query(j) for j in jobs]
    if not parts:
        return np.empty(0, np.int32), np.empty(0, np.int32), np.empty(0)
    out = tuple(np.concatenate([p[k] for p in parts]) for k in range(3))
    del parts
    return out


def find_candidates(
    cooks: People,
    diners: People,
    active_diners: np.ndarray,
    excluded: np.ndarray,
    workers: int = 2,
    cook_sel: np.ndarray | None = None,
) -> Candidates:
    """Apply every hard constraint except capacity and count survivors per diner per stage.

    ``cook_sel`` (positions) narrows the search to some vetted cooks, e.g. new arrivals.
    """
    assert cooks.vetted is not None
    nd = len(diners.ids)
    lock = Lock()
    counts = np.zeros((nd, 4), dtype=np.int32)

    def tally(stage: int, d: np.ndarray) -> None:
        n = np.bincount(d, minlength=nd)
        with lock:
            counts[:, stage] += n.astype(np.int32)

    def filters(c: np.ndarray, d: np.ndarray, km: np.ndarray):
        tally(0, d)
        # A need is met when no bit of the diner's needs is missing from the cook's skills.
        ok = ~np.any(diners.tags[d] & ~cooks.tags[c], axis=1)
        c, d, km = c[ok], d[ok], km[ok]
        tally(1, d)
        ok = (diners.days[d] & cooks.days[c]) != 0
        c, d, km = c[ok], d[ok], km[ok]
        tally(2, d)
        if len(excluded):
            ok = ~np.isin(c.astype(np.int64) * nd + d, excluded, assume_unique=False)
            c, d, km = c[ok], d[ok], km[ok]
        tally(3, d)
        return c, d, km

    if cook_sel is None:
        cook_sel = np.flatnonzero(cooks.vetted)
    c, d, km = in_range_pairs(
        cooks, cook_sel, diners, np.flatnonzero(active_diners), workers, filters
    )
    return Candidates(c, d, km, counts)
