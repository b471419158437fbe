"""Waiting diners placed so that the matcher gives each reason code at least once.

The same filters as the matcher (in range, fits the needs, shares a day, not excluded, not
full) are applied here to choose where a diner lives and what they need; the tests then
ask the real matcher, so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import timedelta

from casserole.demo.geography import Point, km_between, offset, scatter
from casserole.demo.history import History, propose
from casserole.demo.people import Town, make_diner, stamp_diner
from casserole.extensions import db
from casserole.models import CookProfile, DinerProfile, PairingStatus
from casserole.models.vocab import DIET_TAGS, days_to_mask, tags_to_mask

DINER_MAX_KM = 3.0  # a diner's reach: the column default, not editable by diners
MARGIN_KM = 0.05  # keep clear of a radius's edge, so rounding cannot flip a filter
ATTEMPTS = 400


class PlacementError(RuntimeError):
    """No place in the borough gives the reason asked for (the roster asks the impossible)."""


def _reach(cook: CookProfile) -> float:
    return min(cook.max_km, DINER_MAX_KM)


def _in_range(town: Town, point: Point) -> list[CookProfile] | None:
    """Cooks the matcher would find in range of `point`; None when one is too near the edge."""
    found = []
    for cook in town.available():
        km = km_between((cook.latitude, cook.longitude), point)
        if abs(km - _reach(cook)) < MARGIN_KM:
            return None
        if km < _reach(cook):
            found.append(cook)
    return found


def _needs_options(rng: random.Random) -> list[int]:
    singles = [tags_to_mask([t]) for t in DIET_TAGS]
    pairs = [a | b for i, a in enumerate(singles) for b in singles[i + 1 :]]
    rng.shuffle(singles)
    rng.shuffle(pairs)
    return [0, *singles, *pairs]


def _day_options(rng: random.Random) -> list[int]:
    singles = [1 << d for d in range(7)]
    pairs = [a | b for i, a in enumerate(singles) for b in singles[i + 1 :]]
    rng.shuffle(singles)
    rng.shuffle(pairs)
    return singles + pairs


def _fit(cooks: list[CookProfile], needs: int) -> list[CookProfile]:
    return [c for c in cooks if needs & ~c.can_cook_mask == 0]


def _share(cooks: list[CookProfile], days: int) -> list[CookProfile]:
    return [c for c in cooks if c.days_mask & days]


def _choose(
    reason: str, rng: random.Random, near: list[CookProfile], load: dict[int, int]
) -> tuple[int, int, list[CookProfile]] | None:
    """(needs, days, cooks to exclude) that make `reason` the matcher's answer, if any."""
    if reason == "no_cook_in_range":
        return (0, days_to_mask(rng.sample(range(7), rng.randint(1, 3))), []) if not near else None
    if not near:
        return None
    any_days = days_to_mask(rng.sample(range(7), rng.randint(1, 3)))
    for needs in _needs_options(rng):
        fit = _fit(near, needs)
        if reason == "no_cook_for_needs":
            if needs and not fit:
                return needs, any_days, []
            continue
        if not fit:
            continue
        if reason == "no_shared_day":
            free = [d for d in range(7) if not any(c.days_mask >> d & 1 for c in fit)]
            if free:
                return needs, days_to_mask(rng.sample(free, min(2, len(free)))), []
            continue
        for days in _day_options(rng):
            share = _share(fit, days)
            if reason == "cooks_excluded" and 1 <= len(share) <= 2:
                return needs, days, share
            if (
                reason == "cooks_full"
                and share
                and all(load.get(id(c), 0) >= c.capacity for c in share)
            ):
                return needs, days, []
    return None


def _points(town: Town, reason: str, hist: History) -> Iterator[Point]:
    rng = town.rng
    full = [c for c in town.available() if hist.load.get(id(c), 0) >= c.capacity]
    for _ in range(ATTEMPTS):
        if reason == "cooks_full" and full:
            cook = rng.choice(full)
            km = rng.uniform(0.1, 0.9) * _reach(cook)
            yield offset((cook.latitude, cook.longitude), km, rng.uniform(0, 2 * math.pi))
        else:
            yield scatter(rng, rng.choice(town.borough.outcodes))


def _clear_a_corner(town: Town) -> Point:
    """The place furthest from every cook; the few cooks who still reach it go less far.

    In a dense borough every spot can be in someone's range; then the cooks nearest the
    quietest corner are cooks who only go a mile or so (and their pairings fit that).
    """
    rng, cooks = town.rng, town.available()
    spots = [scatter(rng, rng.choice(town.borough.outcodes)) for _ in range(ATTEMPTS)]

    def cost(point: Point) -> tuple[int, float]:
        """How many cooks must go less far, then how near the nearest one is."""
        kms = [km_between((c.latitude, c.longitude), point) for c in cooks]
        reaching = sum(km < _reach(c) + MARGIN_KM for c, km in zip(cooks, kms, strict=True))
        # Nobody is asked to go less than 0.5 km.
        return (reaching, -min(kms)) if min(kms) > 0.5 + 3 * MARGIN_KM else (len(cooks) + 1, 0)

    spot = min(spots, key=cost)
    if cost(spot)[0] > len(cooks):
        raise PlacementError(f"every spot in {town.borough.name} is next door to a cook")
    for cook in cooks:
        km = km_between((cook.latitude, cook.longitude), spot)
        if km < _reach(cook) + MARGIN_KM:
            cook.max_km = math.floor((km - 2 * MARGIN_KM) * 10) / 10
    return spot


def place_waiting(
    town: Town, reason: str, index: int, over_80: bool, hist: History
) -> DinerProfile:
    """Diner `index`, waiting for a cook, whom the matcher will give `reason`."""
    rng = town.rng
    if not reason:  # no particular reason wanted: anyone, anywhere
        point = scatter(rng, rng.choice(town.borough.outcodes))
        needs = tags_to_mask([rng.choice(DIET_TAGS)]) if rng.random() < 0.3 else 0
        days = days_to_mask(rng.sample(range(7), rng.randint(1, 3)))
        return _waiting(town, index, over_80, point, (needs, days, []), hist)
    for point in _points(town, reason, hist):
        near = _in_range(town, point)
        if near is None:
            continue
        chosen = _choose(reason, rng, near, hist.load)
        if chosen is not None:
            break
    else:
        if reason != "no_cook_in_range":
            raise PlacementError(f"no place in {town.borough.name} gives {reason}")
        point, chosen = _clear_a_corner(town), (0, days_to_mask([rng.randrange(7)]), [])
    return _waiting(town, index, over_80, point, chosen, hist)


def _waiting(
    town: Town,
    index: int,
    over_80: bool,
    point: Point,
    chosen: tuple[int, int, list[CookProfile]],
    hist: History,
) -> DinerProfile:
    rng = town.rng
    needs, days, excluded = chosen
    diner = make_diner(town, index, over_80, point, days, needs)
    joined = town.days_ago(rng.randint(30, 120) if excluded else rng.randint(3, 120))
    stamp_diner(diner, joined)
    db.session.add(diner)
    if excluded:
        db.session.flush()  # the diner's side declines: their id is needed
        side = diner.user or diner.carer
        for cook in excluded:
            # A proposal the diner's side turned down: never proposed again.
            p = propose(town, cook, diner, joined + timedelta(days=rng.randint(5, 20)), hist)
            p.status, p.declined_at = PairingStatus.DECLINED, p.proposed_at + timedelta(days=2)
            p.declined_by_id = side.id if side else None
            p.decline_reason = rng.choice(
                ("Would rather a cook who can come on another day.", "Prefers someone nearer.")
            )
    return diner
