"""Concerns: the queue, their handling from new to resolved, and what is urgent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import joinedload

from casserole import clock
from casserole.access import can_see_area
from casserole.extensions import db
from casserole.models import Area, ConcernStatus, Feedback, Pairing
from casserole.pagination import Page, paginate
from casserole.services import audit, mail, notifications

# An open concern older than this is highlighted in the queue.
STALE_AFTER = timedelta(days=2)
OPEN = (ConcernStatus.NEW, ConcernStatus.IN_PROGRESS)
# Allowed moves: forwards only, and a resolved concern stays resolved.
NEXT = {
    ConcernStatus.NEW: {ConcernStatus.IN_PROGRESS, ConcernStatus.RESOLVED},
    ConcernStatus.IN_PROGRESS: {ConcernStatus.RESOLVED},
    ConcernStatus.RESOLVED: set(),
}


class ConcernError(ValueError):
    """A change that cannot be made, with the field it concerns."""

    def __init__(self, message: str, field_name: str = "status", status: int = 422) -> None:
        super().__init__(message)
        self.field_name = field_name
        self.status = status


@dataclass(frozen=True)
class QueuedConcern:
    """A concern in the queue, with whether it has waited too long."""

    concern: Feedback
    stale: bool


def _base(area: Area) -> Any:
    return (
        select(Feedback)
        .join(Pairing, Pairing.id == Feedback.pairing_id)
        .where(Pairing.area_id == area.id, Feedback.is_concern.is_(True))
        .options(joinedload(Feedback.author), joinedload(Feedback.pairing))
    )


def is_stale(concern: Feedback, now: datetime) -> bool:
    """True for an open concern raised more than two days before `now`."""
    return concern.concern_status in OPEN and now - concern.created_at > STALE_AFTER


def queue(area: Area, show: str = "open", page: int = 1) -> Page:
    """One page of the area's concerns: open before resolved, urgent first, then oldest."""
    stmt = _base(area)
    if show == "open":
        stmt = stmt.where(Feedback.concern_status.in_(OPEN))
    stmt = stmt.order_by(
        case((Feedback.concern_status.in_(OPEN), 0), else_=1),
        Feedback.urgent.desc(),
        Feedback.created_at,
        Feedback.id,
    )
    now = clock.now()
    found = paginate(stmt, page, scalars=True)
    found.rows = [QueuedConcern(c, is_stale(c, now)) for c in found.rows]
    return found


def urgent_open(area: Area) -> list[Feedback]:
    """Safeguarding concerns not yet resolved: shown at the top of the console."""
    stmt = _base(area).where(Feedback.urgent.is_(True), Feedback.concern_status.in_(OPEN))
    return list(db.session.scalars(stmt.order_by(Feedback.created_at)).unique())


def for_pairing(pairing: Pairing, viewer: Any) -> list[Feedback]:
    """A pairing's concerns, newest first, for the area's coordinators only."""
    if not can_see_area(viewer, pairing.area_id):
        return []
    stmt = (
        select(Feedback)
        .where(Feedback.pairing_id == pairing.id, Feedback.is_concern.is_(True))
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
    )
    return list(db.session.scalars(stmt))


def concern_in(area: Area, concern_id: int) -> Feedback | None:
    """A concern of this area, or None (never one of another area)."""
    return db.session.scalar(_base(area).where(Feedback.id == concern_id))


def update(
    area: Area,
    concern: Feedback,
    status: ConcernStatus,
    note: str,
    urgent: bool,
    actor: Any,
    client_address: str | None = None,
) -> Feedback:
    """Move a concern on, mark it a safeguarding matter, or resolve it with a note; one commit."""
    note = (note or "").strip()
    current = concern.concern_status or ConcernStatus.NEW
    if status != current and status not in NEXT[current]:
        raise ConcernError(
            "A resolved concern stays resolved."
            if current == ConcernStatus.RESOLVED
            else "A concern moves from new to in progress to resolved.",
            status=409,
        )
    if status == ConcernStatus.RESOLVED and current != ConcernStatus.RESOLVED and not note:
        raise ConcernError("Say how it was resolved.", field_name="note")
    if len(note) > 4000:
        raise ConcernError("Keep the note under 4,000 characters.", field_name="note")
    newly_urgent = urgent and not concern.urgent and current != ConcernStatus.RESOLVED
    concern.urgent = concern.urgent or urgent
    concern.concern_status = status
    if status == ConcernStatus.RESOLVED and current != ConcernStatus.RESOLVED:
        concern.resolution_note = note[:4000]
        concern.resolved_at = clock.now()
        concern.resolved_by_id = actor.id
        notifications.concern_resolved_to_author(concern)
    audit.record(
        "concern_updated",
        concern.pairing,
        area_id=area.id,
        actor=actor,
        client_address=client_address,
        feedback_id=concern.id,
        status=status.value,
        urgent=concern.urgent,
    )
    if newly_urgent:
        notifications.concern_to_coordinators(concern.pairing, concern, concern.author)
    db.session.commit()
    mail.dispatch()
    return concern
