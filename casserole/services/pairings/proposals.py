"""New proposals: from the matcher for an area, or chosen by a coordinator by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select

from casserole import clock
from casserole.access import can_see_area
from casserole.extensions import db
from casserole.formatting import miles, plural
from casserole.geocoding import great_circle_km
from casserole.models import (
    Area,
    CookProfile,
    DinerProfile,
    EndReason,
    Pairing,
    PairingStatus,
    ProposalSource,
    utcnow,
)
from casserole.models.matching_run import KIND_PROPOSE
from casserole.models.vocab import (
    DIET_LABELS,
    LIVE_STATUSES,
    OPEN_PROPOSAL_STATUSES,
    allergen_names,
    mask_to_allergens,
    mask_to_tags,
)
from casserole.services import audit, matching_runs, notifications, vetting
from casserole.services.matching import died_clause, run_matching
from casserole.services.pairings.lifecycle import commit, refusing_lost_races
from casserole.services.pairings.states import NotFound, PairingError


@dataclass
class Checks:
    """The outcome of checking one hand-made pair against the rules."""

    blocking: list[str] = field(default_factory=list)  # cannot be overridden
    broken: list[str] = field(default_factory=list)  # hard constraints a coordinator may override
    distance_km: float | None = None


def _has_died(diner: DinerProfile) -> bool:
    return (
        db.session.scalar(select(DinerProfile.id).where(DinerProfile.id == diner.id, died_clause()))
        is not None
    )


def check_pair(cook: CookProfile, diner: DinerProfile, today: date) -> Checks:
    """The matcher's hard constraints, checked for one pair, each failure in plain words."""
    checks = Checks()
    if diner.erased_at is not None:
        checks.blocking.append("This diner's details were erased: they cannot be paired.")
    elif _has_died(diner):
        checks.blocking.append(f"{diner.first_name} has died.")
    elif diner.consent_at is None:
        checks.blocking.append(f"{diner.first_name} has not agreed to join yet.")
    if cook.user.erased_at is not None:
        checks.blocking.append("This cook's details were erased: they cannot be paired.")
    if cook.suspended_at is not None:
        checks.blocking.append("The cook is suspended while a safeguarding matter is looked into.")
    if diner.contact_lost_at is not None and diner.user_id is None and diner.carer_id is None:
        checks.blocking.append(f"{diner.first_name} has no contact person: hand them to a carer.")
    busy = db.session.scalar(
        select(Pairing.status).where(
            Pairing.diner_id == diner.id,
            Pairing.status.in_([*LIVE_STATUSES, *OPEN_PROPOSAL_STATUSES]),
        )
    )
    if busy in LIVE_STATUSES:
        checks.blocking.append(f"{diner.first_name} already has a cook.")
    elif busy is not None:
        checks.blocking.append(f"{diner.first_name} already has an open proposal.")
    refused = db.session.scalar(
        select(Pairing.id).where(
            Pairing.cook_id == cook.id,
            Pairing.diner_id == diner.id,
            or_(
                Pairing.status == PairingStatus.DECLINED,
                Pairing.end_reason == EndReason.DIFFERENT_COOK,
            ),
        )
    )
    if refused is not None:
        checks.blocking.append(
            "This pair was declined before, or the diner asked for a different cook: "
            "it is never proposed again."
        )
    if problem := vetting.vetting_problem(cook, today):
        # Never overridable: the cook could not say yes to it anyway (accepting re-checks).
        checks.blocking.append(problem)
    if cook.paused or not cook.user.is_active_account:
        checks.broken.append("The cook is taking a break from cooking.")
    missing = mask_to_tags(diner.needs_mask & ~cook.can_cook_mask)
    if missing:
        names = ", ".join(sorted(DIET_LABELS[t] for t in missing))
        checks.broken.append(f"The cook cannot cook: {names}.")
    unsafe = mask_to_allergens(diner.allergen_mask & ~cook.keeps_out_mask)
    if unsafe:
        # Never overridable: a meal with an allergen in it can put the diner in hospital.
        checks.blocking.append(
            f"The cook cannot keep {' or '.join(allergen_names(unsafe))} out of a meal, "
            f"and {diner.first_name} is allergic."
        )
    if not diner.days_mask & cook.days_mask:
        checks.broken.append("They have no day of the week in common.")
    km = great_circle_km(cook.latitude, cook.longitude, diner.latitude, diner.longitude)
    checks.distance_km = km
    if km > min(cook.max_km, diner.max_km):
        checks.broken.append(
            f"They live {miles(km)} apart, further than {miles(min(cook.max_km, diner.max_km))}."
        )
    taken = db.session.scalar(
        select(func.count(Pairing.id)).where(
            Pairing.cook_id == cook.id,
            Pairing.status.in_([*LIVE_STATUSES, *OPEN_PROPOSAL_STATUSES]),
        )
    )
    if taken >= cook.capacity:
        checks.broken.append(
            f"The cook already has {plural(taken, 'pairing or proposal', 'pairings or proposals')}"
            f", their limit of {cook.capacity}."
        )
    return checks


class ConstraintsBroken(PairingError):
    """A hand-made pair breaks rules; the list says which, and whether an override can help."""

    status = 422

    def __init__(self, checks: Checks):
        super().__init__(" ".join(checks.blocking + checks.broken), field="override_reason")
        self.checks = checks


def propose_by_hand(
    actor: Any,
    cook_id: int,
    diner_id: int,
    override_reason: str = "",
    now: datetime | None = None,
    client_address: str | None = None,
) -> Pairing:
    """A coordinator pairs a cook and a diner of their area; the cook is asked at once.

    Hard constraints are checked; a coordinator may override the ones that allow it with a
    written reason, kept on the pairing (the audit trail records that it was overridden).
    """
    now = now or utcnow()
    override_reason = (override_reason or "").strip()
    cook = db.session.get(CookProfile, cook_id)
    diner = db.session.get(DinerProfile, diner_id)
    if cook is None or not can_see_area(actor, cook.area_id):
        raise NotFound("There is no cook with that number in your areas.", field="cook_id")
    if diner is None or not can_see_area(actor, diner.area_id):
        raise NotFound("There is no diner with that number in your areas.", field="diner_id")
    checks = check_pair(cook, diner, clock.local_date(now))
    if checks.blocking or (checks.broken and not override_reason):
        raise ConstraintsBroken(checks)
    pairing = Pairing(
        cook=cook,
        diner=diner,
        area_id=diner.area_id,
        status=PairingStatus.APPROVED,
        source=ProposalSource.COORDINATOR,
        distance_km=round(checks.distance_km or 0.0, 4),
        override_reason=override_reason if checks.broken else "",
        proposed_at=now,
        proposed_by_id=actor.id,
        approved_at=now,
        approved_by_id=actor.id,
    )
    db.session.add(pairing)
    # A proposal made for the same diner at the same moment meets the unique index here.
    with refusing_lost_races(diner.first_name):
        db.session.flush()
    audit.record(
        "pairing.propose_by_hand",
        pairing,
        actor=actor,
        client_address=client_address,
        overridden=len(checks.broken) or None,
    )
    notifications.proposal_to_cook(pairing)
    commit(diner.first_name)
    return pairing


def propose_for_area(area_id: int, actor: Any, client_address: str | None = None) -> list[Pairing]:
    """Run the matcher for an area; auto-approved proposals go straight to their cooks.

    One run per area at a time (a database lock, `matching_runs.area_run`): a second one
    started meanwhile, in any process, gets MatchingBusy with who started the first and when.
    """
    area = db.session.get(Area, area_id)
    if area is None or not can_see_area(actor, area.id):
        raise NotFound("We could not find that area.")
    with matching_runs.area_run(area, KIND_PROPOSE, actor) as lock:
        # One transaction: proposals, their audit record, the cooks' e-mails and the run's
        # stored reasons land together.
        run = run_matching(area, actor, commit=False)
        audit.record(
            "pairing.run_matching",
            area,
            area_id=area.id,
            actor=actor,
            client_address=client_address,
            proposals=len(run.proposals),
            unmatched=len(run.unmatched),
        )
        for pairing in run.proposals:
            if pairing.status == PairingStatus.APPROVED:
                notifications.proposal_to_cook(pairing)
        reasons = matching_runs.ReasonSnapshot(utcnow(), dict(run.unmatched), run.counts)
        matching_runs.finish(lock, reasons, len(run.proposals))
        commit()
    return run.proposals
