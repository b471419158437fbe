"""A borough's pairings, from proposal to end, and the meals they shared."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert

from casserole.demo.common import DISHES
from casserole.demo.geography import km_between, offset
from casserole.demo.people import Town, make_diner, stamp_diner
from casserole.demo.roster import LEFT_THE_SCHEME, REPAIRED
from casserole.extensions import db
from casserole.geocoding import great_circle_km
from casserole.models import (
    CookProfile,
    DinerProfile,
    EndReason,
    MealShare,
    Pairing,
    PairingPause,
    PairingStatus,
    ProposalSource,
)
from casserole.models.vocab import days_to_mask, tags_to_mask

LIVE = ("active", "at_risk", "paused")
OPEN = ("proposed", "cook_accepted")
END_NOTES = {
    EndReason.OTHER: "They did not get on; the diner would like to try someone else.",
    EndReason.DIED: "Passed away peacefully; the family thanked the cook.",
}


@dataclass
class Slot:
    """One diner's story: the state of their pairing, and any earlier pairing that ended."""

    state: str  # active, at_risk, paused, proposed, cook_accepted or ended
    end_reason: EndReason | None = None  # why the (only, or earlier) pairing ended
    longest: bool = False  # the borough's longest-running pairing
    days: float = 0.0  # how long ago a live pairing started, or how long an ended one ran


@dataclass
class History:
    """What the borough's pairings left behind for the waiting list and the sign-up dates."""

    load: dict[int, int] = field(default_factory=dict)  # id(cook) -> live and open pairings
    first_proposed: dict[int, datetime] = field(default_factory=dict)  # id(cook) -> earliest
    meals: list[tuple[Pairing, CookProfile, list[date]]] = field(default_factory=list)
    # Who accepted for the diner is only known by id after a flush (see insert_meals).
    accepted: list[tuple[Pairing, DinerProfile]] = field(default_factory=list)


def plan_slots(town: Town) -> list[Slot]:
    """The roster's pairings as one slot per diner; the headline diners' slots come first."""
    plan = town.borough.pairings
    live = [Slot("active", longest=True)] + [Slot("active") for _ in range(plan.active - 1)]
    live += [Slot("at_risk") for _ in range(plan.at_risk)]
    live += [Slot("paused") for _ in range(plan.paused)]
    ended: list[Slot] = []
    spare = iter(live[4:])  # the headline diners keep a simple story
    for reason, n in plan.ended.items():
        for _ in range(n):
            if reason in REPAIRED:
                next(spare).end_reason = reason
            else:
                ended.append(Slot("ended", end_reason=reason))
    # Evenly spread rather than drawn, so every seed gives the same shape of retention
    # curve: more young pairings than old (the scheme has grown), endings from 6 weeks to
    # 14 months. The at-risk and paused pairings get the oldest starts.
    plain = [s for s in live if not s.longest and s.end_reason is None]
    plain.sort(key=lambda s: ("active", "paused", "at_risk").index(s.state))
    for k, slot in enumerate(plain):
        slot.days = 25 + 425 * ((k + 0.5) / len(plain)) ** 2
    spans = [40 + 380 * (k + 0.5) / len(ended) for k in range(len(ended))]
    town.rng.shuffle(spans)
    for slot, span in zip(ended, spans, strict=True):
        slot.days = span
    opened = [Slot("proposed") for _ in range(plan.proposed)]
    opened += [Slot("cook_accepted") for _ in range(plan.cook_accepted)]
    return live + opened + ended


def distances(town: Town, n: int) -> list[float]:
    """`n` distances with the borough's mean: evenly spread from 0.3 to 1.7 times it."""
    mean = town.borough.mean_distance_km
    spread = [mean * (0.3 + 1.4 * (k + 0.5) / n) for k in range(n)]
    town.rng.shuffle(spread)
    return spread


def play(
    town: Town, slot: Slot, index: int, over_80: bool, km: float, hist: History
) -> DinerProfile:
    """Create diner `index` near a cook and live out their slot's story."""
    rng = town.rng
    live_or_open = slot.state in LIVE + OPEN
    if slot.longest:
        cook = town.cooks[0]
    else:
        pool = town.available()
        if live_or_open:
            pool = [c for c in pool if hist.load.get(id(c), 0) < c.capacity]
        # A cook who goes that far, if any (some only go a mile, see waiting.py).
        cook = rng.choice([c for c in pool if 0.95 * c.max_km >= km] or pool)
    km = min(km, 0.95 * min(cook.max_km, 3.0))  # 3 km: a diner's own default limit
    point = offset((cook.latitude, cook.longitude), km, rng.uniform(0, 2 * math.pi))
    days = {rng.choice(sorted(cook.days))} | set(rng.sample(range(7), rng.randint(0, 2)))
    skills = sorted(cook.can_cook)
    needs = tags_to_mask([rng.choice(skills)]) if skills and rng.random() < 0.3 else 0
    diner = make_diner(town, index, over_80, point, days_to_mask(days), needs)
    db.session.add(diner)

    first_proposed, ended = _story(town, slot, cook, diner, hist)
    stamp_diner(diner, first_proposed - timedelta(days=rng.randint(5, 40)))
    if ended is not None:
        if slot.end_reason in LEFT_THE_SCHEME:
            diner.consent_at = None  # they have left: no longer looking for a cook
        else:
            diner.waiting_since = ended  # back on the waiting list
            diner.waiting_priority = int(slot.end_reason == EndReason.DIFFERENT_COOK)
    if live_or_open:
        hist.load[id(cook)] = hist.load.get(id(cook), 0) + 1
    return diner


def _story(
    town: Town, slot: Slot, cook: CookProfile, diner: DinerProfile, hist: History
) -> tuple[datetime, datetime | None]:
    """The slot's pairings: when the first was proposed, and when the last ended (if it did)."""
    rng, today = town.rng, town.today
    if slot.state in OPEN:
        days = rng.randint(1, 6) if slot.state == "proposed" else rng.randint(4, 9)
        p = propose(town, cook, diner, town.days_ago(days), hist)
        if slot.state == "proposed":
            p.status = PairingStatus.PROPOSED
        else:
            p.status = PairingStatus.COOK_ACCEPTED
            p.approved_at = p.proposed_at + timedelta(hours=5)
            p.approved_by_id = town.coordinator.id
            p.cook_accepted_at = p.approved_at + timedelta(hours=rng.randint(2, 48))
        return p.proposed_at, None
    if slot.state == "ended":
        ago = slot.days + rng.uniform(5, max(5.0, town.borough.history_days - 10 - slot.days))
        started = town.days_ago(ago)
        ended = started + timedelta(days=slot.days)
        p = _started(town, cook, diner, started, hist, meals_until=ended.date() - timedelta(days=1))
        _end(p, slot.end_reason or EndReason.OTHER, ended)
        return p.proposed_at, ended
    started = town.days_ago(town.borough.longest_days if slot.longest else slot.days)
    first = None
    if slot.end_reason is not None:
        # An earlier pairing with the nearest other cook who suited them ended; this one
        # began a little later.
        others = [c for c in town.available() if c is not cook]
        suited = [
            c
            for c in others
            if diner.needs_mask & ~c.can_cook_mask == 0 and diner.days_mask & c.days_mask
        ]
        before = min(
            suited or others,
            key=lambda c: km_between((c.latitude, c.longitude), (diner.latitude, diner.longitude)),
        )
        started = town.days_ago(rng.randint(60, 300))
        old_start = started - timedelta(days=rng.randint(90, 200))
        old_end = started - timedelta(days=rng.randint(10, 30))
        old = _started(
            town, before, diner, old_start, hist, meals_until=old_end.date() - timedelta(days=1)
        )
        _end(old, slot.end_reason, old_end)
        first = old.proposed_at
    last = today - timedelta(days=1)
    if slot.state == "at_risk":
        last = today - timedelta(days=rng.randint(35, 50))
    elif slot.state == "paused":
        last = today - timedelta(days=rng.randint(12, 16))
    p = _started(town, cook, diner, started, hist, meals_until=last, recent=slot.state == "active")
    p.status = PairingStatus.ACTIVE if slot.state in ("active", "at_risk") else PairingStatus.PAUSED
    if slot.state == "paused":
        p.pauses.append(
            PairingPause(
                started_at=town.days_ago(10), reason=rng.choice(("Holiday", "In hospital"))
            )
        )
    return first or p.proposed_at, None


def propose(
    town: Town, cook: CookProfile, diner: DinerProfile, proposed: datetime, hist: History
) -> Pairing:
    """A pairing the coordinator's matcher run proposed at `proposed` (the caller moves it on)."""
    p = Pairing(
        cook=cook,
        diner=diner,
        area=town.area,
        distance_km=round(
            great_circle_km(cook.latitude, cook.longitude, diner.latitude, diner.longitude), 3
        ),
        source=ProposalSource.MATCHER,
        proposed_at=proposed,
        proposed_by_id=town.coordinator.id,
    )
    db.session.add(p)
    town.report.add("pairings")
    key = id(cook)
    hist.first_proposed[key] = min(proposed, hist.first_proposed.get(key, proposed))
    return p


def _started(
    town: Town,
    cook: CookProfile,
    diner: DinerProfile,
    started: datetime,
    hist: History,
    meals_until: date,
    recent: bool = False,
) -> Pairing:
    """A pairing that started at `started`, with its meals up to `meals_until`."""
    rng = town.rng
    cook_ok = started - timedelta(hours=rng.randint(2, 72))
    approved = cook_ok - timedelta(hours=rng.randint(2, 48))
    p = propose(town, cook, diner, approved - timedelta(hours=rng.randint(2, 72)), hist)
    p.approved_at, p.approved_by_id = approved, town.coordinator.id
    p.cook_accepted_at, p.diner_accepted_at, p.started_at = cook_ok, started, started
    hist.accepted.append((p, diner))
    p.status = PairingStatus.ACTIVE
    day = started.date() + timedelta(days=rng.randint(1, 5))
    days = []
    while day <= meals_until:
        days.append(day)
        day += timedelta(days=max(3, round(rng.gauss(town.borough.meal_gap_days, 2.5))))
    if recent and (not days or days[-1] < town.today - timedelta(days=7)):
        days.append(town.today - timedelta(days=rng.randint(1, 6)))
    hist.meals.append((p, cook, days))
    return p


def _end(p: Pairing, reason: EndReason, ended: datetime) -> None:
    p.status, p.ended_at, p.end_reason = PairingStatus.ENDED, ended, reason
    p.end_note = END_NOTES.get(reason, "")


def insert_meals(town: Town, hist: History) -> None:
    """Every meal of the borough in one bulk insert (after a flush gave the pairings ids)."""
    rng, now = town.rng, town.now
    for pairing, diner in hist.accepted:
        pairing.diner_accepted_by_id = (diner.user or diner.carer).id  # type: ignore[union-attr]
    rows: list[dict[str, Any]] = []
    for pairing, cook, days in hist.meals:
        for day in days:
            logged = datetime.combine(day, time(19), UTC)
            rows.append(
                {
                    "pairing_id": pairing.id,
                    "shared_on": day,
                    "dish": rng.choice(DISHES),
                    "allergen_note": rng.choice(("", "", "Contains milk", "Contains gluten")),
                    "logged_by_id": cook.user_id,
                    "logged_at": logged,
                    "confirmed_at": None
                    if rng.random() < 0.2
                    else min(now, logged + timedelta(hours=rng.randint(1, 30))),
                }
            )
    if rows:
        db.session.execute(insert(MealShare.__table__), rows)
    town.report.add("meal shares", len(rows))
