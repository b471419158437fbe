"""Record pages for one diner, cook or carer of an area: who, how to reach them, pairings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from casserole import clock
from casserole.extensions import db
from casserole.models import Area, CookProfile, DinerProfile, Pairing, Role, User
from casserole.models.vocab import DIET_LABELS, LIVE_STATUSES, OPEN_PROPOSAL_STATUSES
from casserole.services import audit, matching_runs
from casserole.services.coordinator import waiting


@dataclass
class PairingLine:
    """One pairing on a record page: the other person, its state and when."""

    pairing: Pairing
    other_name: str
    other_kind: str  # "cook" or "diner": which record the link goes to
    other_id: int
    current: bool


@dataclass
class DinerRecord:
    """Everything a coordinator needs about one diner."""

    diner: DinerProfile
    needs: list[str]
    waiting_days: int | None
    reason_label: str | None
    reason_text: str
    pairings: list[PairingLine] = field(default_factory=list)


def _lines(pairings: list[Pairing], other: str) -> list[PairingLine]:
    """Current pairings first, then the rest newest first."""
    current = (*LIVE_STATUSES, *OPEN_PROPOSAL_STATUSES)
    lines = [
        PairingLine(
            pairing=p,
            other_name=p.diner.display_name if other == "diner" else p.cook.user.display_name,
            other_kind=other,
            other_id=p.diner_id if other == "diner" else p.cook_id,
            current=p.status in current,
        )
        for p in pairings
    ]
    lines.sort(key=lambda line: (not line.current, -line.pairing.id))
    return lines


def _is_waiting(diner: DinerProfile) -> bool:
    stmt = select(DinerProfile.id).where(DinerProfile.id == diner.id, *waiting.waiting_conditions())
    return db.session.scalar(stmt) is not None


def diner_in(area: Area, diner_id: int) -> DinerProfile | None:
    """A diner of this area who has not been erased, or None (never another area's)."""
    diner = db.session.get(DinerProfile, diner_id)
    if diner is None or diner.area_id != area.id or diner.erased_at is not None:
        return None
    return diner


def diner_record(
    area: Area, diner_id: int, viewer: Any, client_address: str | None = None
) -> DinerRecord | None:
    """A diner of this area (None for anyone else's); the view is audited like address views."""
    diner = diner_in(area, diner_id)
    if diner is None:
        return None
    pairings = list(
        db.session.scalars(
            select(Pairing)
            .where(Pairing.diner_id == diner.id)
            .options(selectinload(Pairing.cook).selectinload(CookProfile.user))
        )
    )
    days = label = None
    text = ""
    if _is_waiting(diner):
        days = max(0, (clock.now() - diner.waiting_since).days)
        # The waiting list's stored reasons: no matcher run just for one record.
        snap = matching_runs.latest_reasons(area)
        if snap is not None:
            reason = snap.reasons.get(diner.id)
            label = waiting.REASON_LABELS.get(reason or "", "Not worked out yet")
            text = waiting.explain(reason, snap.counts.get(diner.id), diner)
        else:
            label = "Not worked out yet"
    audit.record(
        "diner_details_viewed",
        diner,
        area_id=area.id,
        actor=viewer,
        client_address=client_address,
        address=True,
        record=True,
    )
    audit.commit_view()
    return DinerRecord(
        diner=diner,
        needs=sorted(DIET_LABELS[t] for t in diner.needs),
        waiting_days=days,
        reason_label=label,
        reason_text=text,
        pairings=_lines(pairings, "cook"),
    )


def cook_pairings(cook: CookProfile) -> list[PairingLine]:
    """A cook's pairings, current first, each linking to the diner's record."""
    pairings = list(
        db.session.scalars(
            select(Pairing).where(Pairing.cook_id == cook.id).options(selectinload(Pairing.diner))
        )
    )
    return _lines(pairings, "diner")


def cook_skills(cook: CookProfile) -> list[str]:
    """What the cook can cook for, in words."""
    return sorted(DIET_LABELS[t] for t in cook.can_cook)


def carer_record(area: Area, carer_id: int) -> tuple[User, list[DinerProfile]] | None:
    """A carer and the diners they look after in this area; None unless they have one here."""
    carer = db.session.get(User, carer_id)
    if carer is None or carer.role != Role.CARER or carer.erased_at is not None:
        return None
    diners = [d for d in carer.managed_diners if d.area_id == area.id and d.erased_at is None]
    if not diners:
        return None
    return carer, diners
