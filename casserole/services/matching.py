"""The one adapter between the database and the pure matcher: rows in, proposals out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
from sqlalchemy import exists, or_, select

import matching
from casserole import clock
from casserole.extensions import db
from casserole.models import (
    Area,
    CookBreak,
    CookProfile,
    DinerProfile,
    EndReason,
    Pairing,
    PairingStatus,
    ProposalSource,
    User,
    utcnow,
)
from casserole.models.vocab import (
    LIVE_STATUSES,
    OPEN_PROPOSAL_STATUSES,
    mask_to_allergens,
    mask_to_days,
    mask_to_tags,
)
from matching.candidates import find_candidates
from matching.prepare import excluded_keys, prepare


@dataclass
class MatcherInput:
    """Everything the matcher needs for one area, read in a handful of queries."""

    cooks: list[matching.Cook] = field(default_factory=list)
    diners: list[matching.Diner] = field(default_factory=list)
    existing: list[matching.Pairing] = field(default_factory=list)
    excluded: set[tuple[int, int]] = field(default_factory=set)


@dataclass
class MatchRun:
    """The outcome of one matching run for an area."""

    area: Area
    proposals: list[Pairing]
    unmatched: dict[int, str]
    # Per unmatched diner: cooks in range, fitting their needs, sharing a day, not excluded.
    counts: dict[int, tuple[int, int, int, int]] = field(default_factory=dict)


def cook_columns(today: date) -> Any:
    """A select of the cook columns the matcher reads (add a WHERE and an ORDER BY).

    Erased cooks are left out: never offered, nor counted among the cooks in range.
    """
    return (
        select(
            CookProfile.id,
            CookProfile.latitude,
            CookProfile.longitude,
            CookProfile.days_mask,
            CookProfile.can_cook_mask,
            CookProfile.capacity,
            CookProfile.max_km,
            CookProfile.paused,
            CookProfile.paused_until,
            User.is_active_account,
            CookProfile.is_vetted(today),
            CookProfile.suspended_at,
            CookProfile.keeps_out_mask,
        )
        .join(User, User.id == CookProfile.user_id)
        .where(User.erased_at.is_(None))
    )


def as_matcher_cook(row: Any, today: date) -> matching.Cook:
    """One row of `cook_columns` as the matcher's Cook."""
    cid, lat, lon, days, skills, capacity, max_km, paused, until, active, vetted, held, out = row
    # A break with a return date ends by itself on that date.
    on_break = paused and (until is None or until > today)
    return matching.Cook(
        id=cid,
        lat=lat,
        lon=lon,
        days=mask_to_days(days),
        can_cook=mask_to_tags(skills),
        capacity=capacity,
        max_km=max_km,
        # Paused, suspended or deactivated cooks keep their pairings but get no new
        # proposals.
        vetted=bool(vetted) and not on_break and active and held is None,
        keeps_out=mask_to_allergens(out),
    )


def as_matcher_diner(diner: DinerProfile) -> matching.Diner:
    """A diner as the matcher's Diner."""
    return matching.Diner(
        id=diner.id,
        lat=diner.latitude,
        lon=diner.longitude,
        days=diner.days,
        needs=diner.needs,
        max_km=diner.max_km,
        allergens=diner.allergens,
    )


def feasible_for(
    diner: DinerProfile, cooks: list[matching.Cook], excluded: set[tuple[int, int]]
) -> dict[int, float]:
    """Cooks (by id) the matcher's hard rules allow for this diner, with the km between them.

    Capacity is left to the caller: this answers "could they", not "is there room".
    """
    if not cooks:
        return {}
    people_c, people_d = prepare(cooks, [as_matcher_diner(diner)])
    keys = excluded_keys(people_c, people_d, excluded)
    found = find_candidates(people_c, people_d, np.ones(1, dtype=bool), keys, workers=1)
    return {int(people_c.ids[c]): float(km) for c, km in zip(found.cook, found.km, strict=True)}


def died_clause() -> Any:
    """SQL: the diner has died (a pairing of theirs ended so); nothing is asked of them again."""
    return exists().where(Pairing.diner_id == DinerProfile.id, Pairing.end_reason == EndReason.DIED)


def matchable_conditions(*, without_cook: bool = False) -> list[Any]:
    """SQL conditions on DinerProfile: who may ever be given a cook (the one rule).

    Agreed to join, has a contact person, not erased and not died. Erasure and the death
    step also clear consent, but the rule does not rest on that: a consent recorded again
    must not bring such a diner back. With `without_cook`, only those with no cook, live or
    proposed: the waiting list (`coordinator.waiting.waiting_conditions`).
    """
    barred = [Pairing.end_reason == EndReason.DIED]
    if without_cook:
        barred.append(Pairing.status.in_([*LIVE_STATUSES, *OPEN_PROPOSAL_STATUSES]))
    # One NOT EXISTS for both: PostgreSQL makes it one hash anti-join in WHERE.
    blocked = exists().where(Pairing.diner_id == DinerProfile.id, or_(*barred))
    return [
        DinerProfile.consent_at.is_not(None),
        # Left without a contact person (their carer erased their account): never matched.
        DinerProfile.contact_lost_at.is_(None),
        DinerProfile.erased_at.is_(None),
        ~blocked,
    ]


def load_inputs(area: Area, today: date | None = None) -> MatcherInput:
    """Read an area's cooks, waiting diners, commitments and exclusions as matcher records."""
    today = today or clock.today()
    data = MatcherInput()
    cook_rows = db.session.execute(
        cook_columns(today).where(CookProfile.area_id == area.id).order_by(CookProfile.id)
    )
    data.cooks.extend(as_matcher_cook(row, today) for row in cook_rows)
    cook_ids = {c.id for c in data.cooks}

    # Live pairings and open proposals both hold a diner and a place in a cook's capacity.
    committed = db.session.execute(
        select(Pairing.cook_id, Pairing.diner_id, Pairing.covers_id)
        .where(
            Pairing.area_id == area.id,
            Pairing.status.in_([*LIVE_STATUSES, *OPEN_PROPOSAL_STATUSES]),
        )
        .order_by(Pairing.id)
    ).all()
    taken: set[int] = set()
    for cook_id, diner_id, covers_id in committed:
        if covers_id is not None and cook_id in cook_ids:
            # A stand-in holds its cook's place (a new pairing would overlap its dates)
            # but never the diner, who keeps their regular pairing.
            data.existing.append(matching.Pairing(cook_id=cook_id, diner_id=diner_id))
        elif cook_id in cook_ids and diner_id not in taken:
            data.existing.append(matching.Pairing(cook_id=cook_id, diner_id=diner_id))
            taken.add(diner_id)

    diner_rows = db.session.execute(
        select(
            DinerProfile.id,
            DinerProfile.latitude,
            DinerProfile.longitude,
            DinerProfile.days_mask,
            DinerProfile.needs_mask,
            DinerProfile.max_km,
            DinerProfile.allergen_mask,
        )
        .where(DinerProfile.area_id == area.id, *matchable_conditions())
        .order_by(DinerProfile.id)
    )
    for did, lat, lon, days, needs, max_km, allergens in diner_rows:
        data.diners.append(
            matching.Diner(
                id=did,
                lat=lat,
                lon=lon,
                days=mask_to_days(days),
                needs=mask_to_tags(needs),
                max_km=max_km,
                allergens=mask_to_allergens(allergens),
            )
        )
    known = {d.id for d in data.diners}
    data.existing = [p for p in data.existing if p.diner_id in known]

    data.excluded = exclusions(area.id)
    return data


def exclusions(area_id: int) -> set[tuple[int, int]]:
    """(cook, diner) pairs never proposed again: declined, or ended for a different cook."""
    return {
        (cook_id, diner_id)
        for cook_id, diner_id in db.session.execute(
            select(Pairing.cook_id, Pairing.diner_id).where(
                Pairing.area_id == area_id,
                or_(
                    Pairing.status == PairingStatus.DECLINED,
                    Pairing.end_reason == EndReason.DIFFERENT_COOK,
                ),
            )
        )
    }


@dataclass(frozen=True)
class ReasonSnapshot:
    """The matcher's word on an area's waiting diners, when it was said, and by which run."""

    computed_at: datetime
    reasons: dict[int, str]
    counts: dict[int, tuple[int, int, int, int]]
    # The stored run (services/matching_runs) these came from; None for a fresh dry run.
    run_id: int | None = None


def _unmatched_counts(result: matching.MatchResult) -> dict[int, tuple[int, int, int, int]]:
    """The filter counts of every unmatched diner, as plain tuples (what would help)."""
    found = {}
    for diner_id in result.unmatched:
        try:
            found[diner_id] = tuple(result.counts(diner_id))
        except KeyError:
            continue
    return found  # type: ignore[return-value]


def waiting_details(area: Area) -> ReasonSnapshot:
    """Dry run: each waiting diner's reason code and filter counts (nothing is written).

    `matching_runs.compute_reasons` runs this under the area's lock and stores the answer.
    """
    data = load_inputs(area)
    result = matching.match(data.cooks, data.diners, data.existing, excluded=data.excluded)
    reasons = {**result.unmatched, **{d: "match_available" for _, d, _ in result.pairs}}
    return ReasonSnapshot(utcnow(), reasons, _unmatched_counts(result))


def run_matching(area: Area, proposer: User | None, *, commit: bool = True) -> MatchRun:
    """Run the matcher for an area and store its new proposals (approved if the area says so).

    With commit=False the proposals are only flushed, so a caller can add the e-mails and
    audit records they cause and commit everything in one transaction.
    """
    data = load_inputs(area)
    result: matching.MatchResult = matching.match(
        data.cooks, data.diners, data.existing, excluded=data.excluded
    )
    now = utcnow()
    proposals = []
    for cook_id, diner_id, km in result.pairs:
        pairing = Pairing(
            cook_id=cook_id,
            diner_id=diner_id,
            area_id=area.id,
            distance_km=round(km, 4),
            source=ProposalSource.MATCHER,
            proposed_at=now,
            proposed_by_id=proposer.id if proposer else None,
            status=PairingStatus.APPROVED if area.auto_approve else PairingStatus.PROPOSED,
        )
        if area.auto_approve:
            pairing.approved_at = now
        proposals.append(pairing)
    db.session.add_all(proposals)
    if commit:
        db.session.commit()
    else:
        # Ids for the caller's audit records and e-mails; the caller's commit decides.
        db.session.flush()
    return MatchRun(
        area=area,
        proposals=proposals,
        unmatched=dict(result.unmatched),
        counts=_unmatched_counts(result),
    )


# Stand-in cooks through a regular cook's break: the same matcher with dates.

FAR_FUTURE = date(9999, 12, 31)


def commitments_of(area_id: int, today: date, *, skip: int | None = None) -> list:
    """Every cook's pairings and proposals in an area as dated commitments for the matcher.

    Regular ones are open-ended from their start (or today); stand-ins hold only their dates.
    """
    rows = db.session.execute(
        select(Pairing.id, Pairing.cook_id, Pairing.first_day, Pairing.last_day, Pairing.covers_id)
        .where(
            Pairing.area_id == area_id,
            Pairing.status.in_([*LIVE_STATUSES, *OPEN_PROPOSAL_STATUSES]),
        )
        .order_by(Pairing.id)
    )
    return [
        matching.Commitment(cook_id, first or today, last if covers_id is not None else None)
        for pid, cook_id, first, last, covers_id in rows
        if pid != skip
    ]


def load_during(cook_id: int, area_id: int, first: date, last: date, skip: int) -> int:
    """The most pairings the cook holds on one day from `first` to `last` (pairing `skip` aside)."""
    held = commitments_of(area_id, first, skip=skip)
    return matching.load_during(held, cook_id, first, last)


@dataclass
class StandInSearch:
    """One cover to find: the regular pairing's diner, its regular cook and the dates."""

    pairing_id: int
    diner: DinerProfile
    regular_cook_id: int
    first_day: date
    last_day: date


def find_stand_ins(
    area: Area, searches: list[StandInSearch], today: date
) -> matching.StandInResult:
    """Run the stand-in matcher for an area's covers (nothing is written)."""
    # Every cook's planned breaks that have not ended: a cook is away for exactly those dates.
    away_rows = db.session.execute(
        select(CookBreak.cook_id, CookBreak.first_day, CookBreak.last_day).where(
            CookBreak.cancelled_at.is_(None), CookBreak.ended_at.is_(None)
        )
    ).all()
    on_dated_break = {cid for cid, _, _ in away_rows}
    cooks = []
    for row in db.session.execute(
        cook_columns(today).where(CookProfile.area_id == area.id).order_by(CookProfile.id)
    ):
        cook = as_matcher_cook(row, today)
        if row[0] in on_dated_break:
            # Paused by a dated break: `away` below holds them back on its dates only.
            cook = as_matcher_cook((*row[:7], False, None, *row[9:]), today)
        cooks.append(cook)
    away = [matching.Commitment(cid, first, last or FAR_FUTURE) for cid, first, last in away_rows]
    covers = [
        matching.Cover(
            diner=as_matcher_diner(s.diner),
            regular_cook_id=s.regular_cook_id,
            first_day=s.first_day,
            last_day=s.last_day,
        )
        for s in searches
    ]
    return matching.match_stand_ins(
        cooks, covers, commitments_of(area.id, today), away=away, excluded=exclusions(area.id)
    )
