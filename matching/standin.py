"""Stand-in cooks for a regular cook's break: the same matcher, with dates.

A stand-in covers one diner for a range of days (a cook's break). The rules are the
matcher's (vetted, needs, days, radius), plus: never the diner's regular cook, no cook who is
away themselves during those days, and a cook's capacity counted only for those days — a
commitment that does not overlap the dates takes none of it.

Covers with the same dates (one cook's break) are solved together by ``matching.match``, so
within a break the answer keeps its exactness (most diners, then least distance). Breaks are
taken in date order and each one's choices count against the next overlapping one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from matching.model import Cook, Diner


@dataclass(frozen=True, slots=True)
class Commitment:
    """A cook's pairing over a range of days; ``last_day`` None means open-ended (regular)."""

    cook_id: int
    first_day: date
    last_day: date | None = None

    def overlaps(self, first: date, last: date) -> bool:
        """Whether this commitment holds the cook on any day from ``first`` to ``last``."""
        return self.first_day <= last and (self.last_day is None or self.last_day >= first)


@dataclass(frozen=True, slots=True)
class Cover:
    """One diner to cover from ``first_day`` to ``last_day`` (included) instead of their cook."""

    diner: Diner
    regular_cook_id: int
    first_day: date
    last_day: date


@dataclass(slots=True)
class StandInResult:
    """Stand-ins found (cook, diner, km) and, per diner not covered, a code and a sentence."""

    pairs: list[tuple[int, int, float]] = field(default_factory=list)
    unmatched: dict[int, str] = field(default_factory=dict)
    reasons: dict[int, str] = field(default_factory=dict)


def load_during(commitments: Iterable[Commitment], cook_id: int, first: date, last: date) -> int:
    """The most commitments the cook holds on any one day from ``first`` to ``last``."""
    mine = [c for c in commitments if c.cook_id == cook_id and c.overlaps(first, last)]
    # The busiest day is the start of the range or the first day of some commitment in it.
    points = {first, *(c.first_day for c in mine if first <= c.first_day <= last)}
    return max(
        (sum(1 for c in mine if c.overlaps(p, p)) for p in points),
        default=0,
    )


def match_stand_ins(
    cooks: Iterable[Cook],
    covers: Iterable[Cover],
    commitments: Iterable[Commitment] = (),
    *,
    away: Iterable[Commitment] = (),
    excluded: Iterable[tuple[int, int]] = (),
) -> StandInResult:
    """Propose a stand-in cook for each cover, honouring dates, capacity and exclusions.

    ``commitments`` are the cooks' pairings (regular ones open-ended, stand-ins dated);
    ``away`` are the cooks' own breaks (a cook away on any day of a cover is not proposed);
    ``excluded`` (cook_id, diner_id) pairs are never proposed. The diner's regular cook is
    always excluded. Raises ValueError for a cover whose last day is before its first, or a
    diner named by two covers of the same dates.
    """
    from matching import match  # the package imports this module's names

    cooks, covers = list(cooks), list(covers)
    held, absent, excluded = list(commitments), list(away), set(excluded)
    groups: dict[tuple[date, date], list[Cover]] = {}
    for cover in covers:
        if cover.last_day < cover.first_day:
            raise ValueError(f"invalid cover {cover!r}: last_day before first_day")
        groups.setdefault((cover.first_day, cover.last_day), []).append(cover)
    result = StandInResult()
    for (first, last), group in sorted(groups.items()):
        ids = [c.diner.id for c in group]
        if len(set(ids)) != len(ids):
            raise ValueError(f"a diner is named by two covers from {first} to {last}")
        gone = {a.cook_id for a in absent if a.overlaps(first, last)}
        # Capacity left for these dates only: what the busiest day of the range leaves.
        free = [
            dataclasses.replace(
                cook,
                capacity=max(cook.capacity - load_during(held, cook.id, first, last), 0),
                vetted=cook.vetted and cook.id not in gone,
            )
            for cook in cooks
        ]
        never = excluded | {(c.regular_cook_id, c.diner.id) for c in group}
        found = match(free, [c.diner for c in group], excluded=never)
        result.pairs.extend(found.pairs)
        held.extend(Commitment(cook_id, first, last) for cook_id, _, _ in found.pairs)
        for diner_id, code in found.unmatched.items():
            result.unmatched[diner_id] = code
            result.reasons[diner_id] = found.explain(diner_id)
    return result
