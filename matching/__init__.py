"""Pair volunteer cooks with nearby diners: most diners first, then least total distance."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from matching.incremental import candidates_cached, pairing_ids_cached, prepare_cached
from matching.model import Cook, Diner, DinerCounts, MatchResult, Pairing
from matching.prepare import excluded_keys, pairing_indices
from matching.reasons import (
    COOKS_EXCLUDED,
    COOKS_FULL,
    NO_COOK_FOR_NEEDS,
    NO_COOK_IN_RANGE,
    NO_SHARED_DAY,
    REASON_CODES,
    reason_codes,
)
from matching.solve import assign
from matching.standin import Commitment, Cover, StandInResult, load_during, match_stand_ins

__all__ = [
    "COOKS_EXCLUDED",
    "COOKS_FULL",
    "NO_COOK_FOR_NEEDS",
    "NO_COOK_IN_RANGE",
    "NO_SHARED_DAY",
    "REASON_CODES",
    "Commitment",
    "Cook",
    "Cover",
    "Diner",
    "DinerCounts",
    "MatchResult",
    "Pairing",
    "StandInResult",
    "load_during",
    "match",
    "match_stand_ins",
]


def match(
    cooks: Iterable[Cook],
    diners: Iterable[Diner],
    existing: Iterable[Pairing] = (),
    *,
    excluded: Iterable[tuple[int, int]] = (),
    workers: int = 2,
) -> MatchResult:
    """Propose new cook–diner pairs: the most diners possible, then the least total distance.

    Diners in ``existing`` are left alone and use up their cook's capacity (a cook whose
    capacity has since dropped below their existing pairings simply has none left).
    ``excluded`` (cook_id, diner_id) pairs are never proposed; ones naming unknown people are
    ignored. The result does not depend on the order of the inputs. ``workers`` bounds the
    threads used for the KD-tree search. Raises ValueError naming the first invalid record.
    A call that differs from the previous one by a few people reuses its work (see
    ``matching.incremental``); the answer is the same either way.
    """
    cp, dp, state = prepare_cached(list(cooks), list(diners))
    existing = list(existing)
    state.existing = existing, pairing_ids_cached(existing)
    ec, ed = pairing_indices(cp, dp, existing, state.existing[1])
    assert cp.capacity is not None
    remaining = np.maximum(cp.capacity - np.bincount(ec, minlength=len(cp.ids)), 0)
    active = np.ones(len(dp.ids), bool)
    active[ed] = False
    pairs_ex = np.unique(np.array(list(excluded), dtype=np.int64).reshape(-1, 2), axis=0)
    cand = candidates_cached(state, active, pairs_ex, excluded_keys(cp, dp, pairs_ex), workers)
    chosen = assign(cand.cook, cand.diner, cand.km, remaining, len(cp.ids), len(dp.ids))
    # Listed by cook, then diner: the same order whichever way the edges were found.
    chosen = chosen[np.lexsort((cand.diner[chosen], cand.cook[chosen]))]
    mc, md, mkm = cand.cook[chosen], cand.diner[chosen], cand.km[chosen]
    pairs = list(zip(cp.ids[mc].tolist(), dp.ids[md].tolist(), mkm.tolist(), strict=True))
    left = active.copy()
    left[md] = False
    left_idx = np.flatnonzero(left)
    codes = reason_codes(cand.counts[left_idx])
    unmatched = dict(zip(dp.ids[left_idx].tolist(), codes.tolist(), strict=True))
    return MatchResult(pairs, unmatched, dp.ids, cand.counts, dp.max_km)
