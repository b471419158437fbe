"""Value objects of the matcher: cooks, diners, pairings and the match result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from matching.reasons import REASON_SENTENCES


@dataclass(frozen=True, slots=True)
class Cook:
    """A volunteer cook: where they are, which days, what they can cook, how many diners.

    ``keeps_out`` names the allergens the cook can reliably keep out of a meal.
    """

    id: int
    lat: float
    lon: float
    days: frozenset[int]
    can_cook: frozenset[str]
    capacity: int = 1
    max_km: float = 3.0
    vetted: bool = True
    keeps_out: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Diner:
    """An older neighbour who would like meals: where, which days, dietary needs.

    ``allergens`` must all be in a cook's ``keeps_out``: a hard constraint like the needs.
    """

    id: int
    lat: float
    lon: float
    days: frozenset[int]
    needs: frozenset[str] = frozenset()
    max_km: float = 3.0
    allergens: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Pairing:
    """An existing active pairing of a cook with a diner."""

    cook_id: int
    diner_id: int


class DinerCounts(NamedTuple):
    """How many cooks survive each successive filter for one diner.

    ``in_range`` counts vetted cooks within range; ``fit_needs`` those of them that can cook all
    the diner's needs and keep out all their allergens; ``share_day`` those that also share a
    day; ``feasible`` those that are also not excluded for this diner. For an unmatched diner
    every feasible cook is full.
    """

    in_range: int
    fit_needs: int
    share_day: int
    feasible: int


@dataclass(slots=True)
class MatchResult:
    """New proposals and, for every diner left without a cook, why."""

    pairs: list[tuple[int, int, float]]
    unmatched: dict[int, str]
    # Per-diner filter counts kept as arrays (sorted ids + one row per diner) so that building
    # a result for a million diners does not create a million Python objects.
    _diner_ids: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64), repr=False)
    _counts: np.ndarray = field(default_factory=lambda: np.empty((0, 4), np.int32), repr=False)
    _max_km: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)

    def counts(self, diner_id: int) -> DinerCounts:
        """Return the filter counts for a diner that took part in this match run."""
        i = int(np.searchsorted(self._diner_ids, diner_id))
        if i >= len(self._diner_ids) or self._diner_ids[i] != diner_id:
            raise KeyError(diner_id)
        return DinerCounts(*(int(x) for x in self._counts[i]))

    def explain(self, diner_id: int) -> str:
        """Return a coordinator-facing sentence on why an unmatched diner has no cook."""
        reason = self.unmatched[diner_id]
        c = self.counts(diner_id)
        i = int(np.searchsorted(self._diner_ids, diner_id))
        return REASON_SENTENCES[reason].format(
            km=float(self._max_km[i]),
            in_range=c.in_range,
            fit_needs=c.fit_needs,
            share_day=c.share_day,
            feasible=c.feasible,
        )
