"""Who looks after whom: diners left without a carer, handing them on, suspending a cook."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from casserole import clock
from casserole.extensions import db
from casserole.models import (
    Area,
    CaseLogKind,
    CookProfile,
    DinerProfile,
    Pairing,
    PairingPause,
    PairingStatus,
    Role,
    User,
)
from casserole.models.vocab import OPEN_PROPOSAL_STATUSES
from casserole.services import audit, mail, notifications, welfare_messages
from casserole.services.accounts import FieldError, text_problem, tidy_text
from casserole.services.casework import case_log

SUSPENSION_PAUSE = "Paused by the coordinator"


class CareConflict(ValueError):
    """A change that does not fit the record's state (already suspended, not suspended)."""


def release_diners_of(carer: User) -> int:
    """A carer is erasing their account: their diners pass to the coordinators' care.

    The diners keep their meals; they are marked as having no contact person, shown at the
    top of the console, and never matched until a coordinator hands them to a new carer.
    The caller commits (with the erasure).
    """
    now = clock.now()
    count = 0
    for diner in list(carer.managed_diners):
        diner.carer_id = None
        diner.carer_relationship = ""
        diner.contact_lost_at = now
        audit.record("diner_contact_lost", diner, actor=carer, client_address=None)
        count += 1
    return count


def without_contact(area: Area) -> list[DinerProfile]:
    """The area's diners with no contact person, longest first."""
    return list(
        db.session.scalars(
            select(DinerProfile)
            .where(
                DinerProfile.area_id == area.id,
                DinerProfile.contact_lost_at.is_not(None),
                DinerProfile.erased_at.is_(None),
            )
            .order_by(DinerProfile.contact_lost_at, DinerProfile.id)
        )
    )


def hand_to_carer(
    area: Area,
    diner: DinerProfile,
    carer_email: str,
    relationship: str,
    coordinator: Any,
    client_address: str | None = None,
) -> DinerProfile:
    """A coordinator hands a diner to a carer (an existing carer account); one commit."""
    relationship = tidy_text(relationship)
    email = (carer_email or "").strip().lower()
    carer = db.session.scalar(select(User).where(func.lower(User.email) == email))
    problems: dict[str, str] = {}
    if carer is None or carer.role != Role.CARER or not carer.is_active_account:
        problems["carer_email"] = "There is no carer's account with that e-mail address."
    if not relationship:
        problems["relationship"] = "Say how the carer knows them, for example son or neighbour."
    elif problem := text_problem(relationship):
        problems["relationship"] = problem
    if problems:
        raise FieldError(errors=problems)
    assert carer is not None
    diner.carer_id = carer.id
    diner.carer_relationship = relationship[:80]
    diner.contact_lost_at = None
    subject = case_log.Subject("diner", diner.id, area.id)
    case_log.add_entry(
        subject,
        CaseLogKind.NOTE,
        f"Handed to carer {carer.display_name} ({relationship[:80]}).",
        coordinator,
        commit=False,
        client_address=client_address,
    )
    audit.record(
        "diner_handed_to_carer",
        diner,
        actor=coordinator,
        client_address=client_address,
        carer_id=carer.id,
    )
    db.session.commit()
    return diner


def suspend_cook(
    area: Area,
    cook: CookProfile,
    reason: str,
    coordinator: Any,
    client_address: str | None = None,
) -> int:
    """Suspend a cook on a safeguarding matter: no proposals, live pairings paused, both told.

    Returns how many pairings were paused. The reason goes in the cook's case log.
    """
    reason = tidy_text(reason)
    if cook.suspended_at is not None:
        raise CareConflict("This cook is already suspended.")
    if not reason:
        raise FieldError("reason", "Say why the cook is suspended (it goes in the case log).")
    now = clock.now()
    cook.suspended_at = now
    pairings = db.session.scalars(
        select(Pairing).where(
            Pairing.cook_id == cook.id,
            Pairing.status.in_([PairingStatus.ACTIVE, *OPEN_PROPOSAL_STATUSES]),
        )
    ).all()
    paused = 0
    for pairing in pairings:
        if pairing.status == PairingStatus.ACTIVE:
            pairing.pauses.append(PairingPause(started_at=now, reason=SUSPENSION_PAUSE))
            pairing.status = PairingStatus.PAUSED
            notifications.paused_by_coordinator(pairing)
            paused += 1
        else:
            pairing.status = PairingStatus.DECLINED
            pairing.declined_at = now
            pairing.declined_by_id = coordinator.id
            pairing.decline_reason = "Withdrawn by the coordinator"
            # Whoever had already seen the introduction hears it will not go ahead.
            welfare_messages.withdrawn_by_suspension(pairing)
        audit.record(
            "pairing.suspension",
            pairing,
            actor=coordinator,
            client_address=client_address,
            after=pairing.status.value,
        )
    case_log.add_entry(
        case_log.Subject("cook", cook.id, area.id),
        CaseLogKind.NOTE,
        f"Suspended: {reason}",
        coordinator,
        commit=False,
        client_address=client_address,
    )
    audit.record(
        "cook_suspended", cook, actor=coordinator, client_address=client_address, paused=paused
    )
    db.session.commit()
    mail.dispatch()
    return paused


def reinstate_cook(
    area: Area,
    cook: CookProfile,
    note: str,
    coordinator: Any,
    client_address: str | None = None,
) -> None:
    """Lift a suspension; paused pairings stay paused until the coordinator restarts each."""
    note = tidy_text(note)
    if cook.suspended_at is None:
        raise CareConflict("This cook is not suspended.")
    if not note:
        raise FieldError("reason", "Say why the suspension is lifted (it goes in the case log).")
    cook.suspended_at = None
    case_log.add_entry(
        case_log.Subject("cook", cook.id, area.id),
        CaseLogKind.NOTE,
        f"Suspension lifted: {note}",
        coordinator,
        commit=False,
        client_address=client_address,
    )
    audit.record("cook_reinstated", cook, actor=coordinator, client_address=client_address)
    db.session.commit()
