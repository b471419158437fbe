"""Proposals awaiting a coordinator's approval: the list, and approving some or all of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from casserole.extensions import db
from casserole.formatting import day_list, plural
from casserole.models import CookProfile, DinerProfile, Pairing, PairingStatus, User
from casserole.models.area import Area
from casserole.models.vocab import DIET_LABELS, mask_to_days, mask_to_tags
from casserole.pagination import Page, paginate

PROPOSALS_PER_PAGE = 50


@dataclass
class ProposalRow:
    """A proposal for review: who, how far, which days, which needs."""

    pairing: Pairing
    cook_name: str
    diner_name: str
    diner_outcode: str
    shared_days: str
    needs: list[str]
    needs_covered: bool


def _waiting_for_approval(area: Area) -> list[Any]:
    return [Pairing.area_id == area.id, Pairing.status == PairingStatus.PROPOSED]


def proposals(area: Area, page: int = 1, per_page: int = PROPOSALS_PER_PAGE) -> Page:
    """Proposals waiting for the coordinator's approval, oldest first (two queries)."""
    where = _waiting_for_approval(area)
    cook_user = aliased(User)
    found = paginate(
        select(Pairing, CookProfile, cook_user, DinerProfile)
        .join(CookProfile, CookProfile.id == Pairing.cook_id)
        .join(cook_user, cook_user.id == CookProfile.user_id)
        .join(DinerProfile, DinerProfile.id == Pairing.diner_id)
        .where(*where)
        .order_by(Pairing.proposed_at, Pairing.id),
        page,
        per_page,
        count=select(func.count()).select_from(Pairing).where(*where),
    )
    found.rows = [
        ProposalRow(
            pairing=pairing,
            cook_name=user.display_name,
            diner_name=diner.display_name,
            diner_outcode=diner.outcode,
            shared_days=day_list(mask_to_days(cook.days_mask & diner.days_mask)) or "none",
            needs=[DIET_LABELS[t] for t in sorted(mask_to_tags(diner.needs_mask))],
            needs_covered=not (diner.needs_mask & ~cook.can_cook_mask),
        )
        for pairing, cook, user, diner in found.rows
    ]
    return found


def proposal_row(area: Area, pairing_id: int) -> ProposalRow | None:
    """One of the area's proposals awaiting approval, as a row; None if there is no such."""
    cook_user = aliased(User)
    found = db.session.execute(
        select(Pairing, CookProfile, cook_user, DinerProfile)
        .join(CookProfile, CookProfile.id == Pairing.cook_id)
        .join(cook_user, cook_user.id == CookProfile.user_id)
        .join(DinerProfile, DinerProfile.id == Pairing.diner_id)
        .where(Pairing.id == pairing_id, *_waiting_for_approval(area))
    ).first()
    if found is None:
        return None
    pairing, cook, user, diner = found
    return ProposalRow(
        pairing=pairing,
        cook_name=user.display_name,
        diner_name=diner.display_name,
        diner_outcode=diner.outcode,
        shared_days=day_list(mask_to_days(cook.days_mask & diner.days_mask)) or "none",
        needs=[DIET_LABELS[t] for t in sorted(mask_to_tags(diner.needs_mask))],
        needs_covered=not (diner.needs_mask & ~cook.can_cook_mask),
    )


def is_in_area(area: Area, pairing_id: int) -> bool:
    """Whether the pairing belongs to the area, whatever its state."""
    stmt = select(Pairing.id).where(Pairing.id == pairing_id, Pairing.area_id == area.id)
    return db.session.scalar(stmt) is not None


def open_proposal_ids(area: Area) -> list[int]:
    """Every proposal of the area awaiting approval."""
    stmt = select(Pairing.id).where(*_waiting_for_approval(area)).order_by(Pairing.id)
    return list(db.session.scalars(stmt))


@dataclass
class ApproveResult:
    """How many proposals were approved, and why any could not be."""

    approved: int = 0
    problems: list[str] = field(default_factory=list)


def approve_proposals(
    area: Area, ids: list[int], actor: Any, client_address: str | None = None
) -> ApproveResult:
    """Approve proposals of this area one by one (each asks its cook); others are refused.

    Each approval is its own transaction in the pairings service, so one that cannot go
    (the diner found a cook meanwhile) leaves the others approved and says why.
    """
    from casserole.services import pairings

    result = ApproveResult()
    wanted = sorted(set(ids))
    mine = set(
        db.session.scalars(
            select(Pairing.id).where(Pairing.id.in_(wanted), *_waiting_for_approval(area))
        )
    )
    if len(mine) < len(wanted):
        missing = len(wanted) - len(mine)
        result.problems.append(
            f"{plural(missing, 'chosen proposal')} {'is' if missing == 1 else 'are'} no longer "
            "waiting for approval in this area, so nothing was done with "
            f"{'it' if missing == 1 else 'them'}."
        )
    for pairing_id in sorted(mine):
        try:
            pairings.approve(pairing_id, actor, client_address=client_address)
        except pairings.PairingError as err:
            db.session.rollback()
            result.problems.append(f"Proposal {pairing_id}: {err}")
        else:
            result.approved += 1
    return result
