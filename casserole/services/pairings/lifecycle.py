"""Moving a pairing through its life: approve, accept, decline, pause, resume, end."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from casserole.extensions import db
from casserole.formatting import plural
from casserole.models import (
    DinerProfile,
    EndReason,
    Pairing,
    PairingPause,
    PairingStatus,
    utcnow,
)
from casserole.models.vocab import LIVE_STATUSES
from casserole.services import audit, mail, notifications
from casserole.services.pairings.reach import load
from casserole.services.pairings.states import (
    TRANSITIONS,
    Action,
    PairingError,
    Side,
    authorise,
)

P = PairingStatus

ALREADY_PAIRED = (
    "{name} already has a cook, so this pairing cannot go ahead. Nothing has been changed; "
    "the coordinator will be in touch about it."
)


def _move(
    pairing: Pairing,
    action: Action,
    side: Any,
    actor: Any,
    client_address: str | None,
    **detail: Any,
) -> None:
    """Apply the table's target state and record who did it and when in the audit trail.

    Reasons and notes people write stay on the pairing (where erasure and retention reach
    them); the audit event holds only code words and record numbers.
    """
    before = pairing.status
    target = TRANSITIONS[action].target
    if target is not None:
        pairing.status = target
    audit.record(
        f"pairing.{action.value}",
        pairing,
        actor=actor,
        client_address=client_address,
        side=side.value,
        before=before.value,
        after=pairing.status.value,
        **detail,
    )


def commit(diner_name: str = "This diner") -> None:
    """Commit the change with its queued e-mail, then send; a lost race becomes a 409."""
    try:
        db.session.commit()
    except IntegrityError:
        # Only the one-live-pairing-per-diner index can fail here: another request won.
        db.session.rollback()
        raise PairingError(ALREADY_PAIRED.format(name=diner_name)) from None
    mail.dispatch()


def _refuse_if_diner_has_a_cook(pairing: Pairing, *, lock: bool = False) -> None:
    """Refuse (409) when the diner already has a live pairing; with `lock`, hold the diner.

    Locking the diner row (PostgreSQL) makes concurrent starts for one diner queue up, so the
    second sees the first and gets a clear message instead of a constraint error.
    """
    if lock:
        db.session.execute(
            select(DinerProfile.id).where(DinerProfile.id == pairing.diner_id).with_for_update()
        )
    other = db.session.scalar(
        select(Pairing.id).where(
            Pairing.diner_id == pairing.diner_id,
            Pairing.status.in_(LIVE_STATUSES),
            Pairing.id != pairing.id,
        )
    )
    if other is not None:
        raise PairingError(ALREADY_PAIRED.format(name=pairing.diner.first_name))


def approve(
    pairing_id: int, actor: Any, now: datetime | None = None, client_address: str | None = None
) -> Pairing:
    """A coordinator approves a proposal; the cook is asked."""
    now = now or utcnow()
    pairing, sides = load(pairing_id, actor, lock=True)
    side = authorise(Action.APPROVE, pairing.status, sides)
    _refuse_if_diner_has_a_cook(pairing)
    pairing.approved_at, pairing.approved_by_id = now, actor.id
    _move(pairing, Action.APPROVE, side, actor, client_address)
    notifications.proposal_to_cook(pairing)
    commit(pairing.diner.first_name)
    return pairing


def accept(
    pairing_id: int, actor: Any, now: datetime | None = None, client_address: str | None = None
) -> Pairing:
    """The cook, then the diner or carer, say yes; the second yes starts the pairing."""
    now = now or utcnow()
    pairing, sides = load(pairing_id, actor, lock=True)
    # Which yes this is follows from who is saying it; the state then says whether it is due,
    # so someone on the pairing hears "already going" (409) rather than "not allowed".
    if Side.COOK in sides:
        action = Action.COOK_ACCEPT
    elif Side.DINER in sides:
        action = Action.DINER_ACCEPT
    else:
        action = Action.DINER_ACCEPT if pairing.status == P.COOK_ACCEPTED else Action.COOK_ACCEPT
    side = authorise(action, pairing.status, sides)
    name = pairing.diner.first_name
    if action == Action.COOK_ACCEPT:
        _refuse_if_diner_has_a_cook(pairing)
        live = db.session.scalar(
            select(func.count(Pairing.id)).where(
                Pairing.cook_id == pairing.cook_id, Pairing.status.in_(LIVE_STATUSES)
            )
        )
        if live >= pairing.cook.capacity:
            raise PairingError(
                f"You already cook for {plural(live, 'neighbour')}, the most you offered. "
                "Change how many people you can cook for on your profile first."
            )
        pairing.cook_accepted_at = now
        _move(pairing, action, side, actor, client_address)
        notifications.acceptance_to_diner_side(pairing)
    else:
        _refuse_if_diner_has_a_cook(pairing, lock=True)
        pairing.diner_accepted_at, pairing.diner_accepted_by_id = now, actor.id
        pairing.started_at = now
        _move(pairing, action, side, actor, client_address)
        notifications.active_to_both(pairing)
    commit(name)
    return pairing


def decline(
    pairing_id: int,
    actor: Any,
    reason: str,
    now: datetime | None = None,
    client_address: str | None = None,
) -> Pairing:
    """Either side (or a coordinator) says no, with a reason; the pair is never proposed again."""
    now = now or utcnow()
    reason = (reason or "").strip()
    pairing, sides = load(pairing_id, actor, lock=True)
    side = authorise(Action.DECLINE, pairing.status, sides)
    if not reason:
        raise PairingError(gettext("Tell us why, so we can find a better match."), field="reason")
    pairing.declined_at, pairing.declined_by_id, pairing.decline_reason = now, actor.id, reason
    _move(pairing, Action.DECLINE, side, actor, client_address)
    notifications.declined_to_coordinators(pairing, actor)
    commit()
    return pairing


def pause(
    pairing_id: int,
    actor: Any,
    reason: str = "",
    now: datetime | None = None,
    client_address: str | None = None,
) -> Pairing:
    """Pause a live pairing (holiday, hospital); no meals are expected until it restarts."""
    now = now or utcnow()
    pairing, sides = load(pairing_id, actor, lock=True)
    side = authorise(Action.PAUSE, pairing.status, sides)
    new_pause = PairingPause(started_at=now, reason=(reason or "").strip()[:200])
    pairing.pauses.append(new_pause)
    db.session.flush()
    _move(pairing, Action.PAUSE, side, actor, client_address, pause_id=new_pause.id)
    commit()
    return pairing


def _close_pause(pairing: Pairing, now: datetime) -> None:
    for open_pause in (p for p in pairing.pauses if p.ended_at is None):
        open_pause.ended_at = max(now, open_pause.started_at)


def resume(
    pairing_id: int, actor: Any, now: datetime | None = None, client_address: str | None = None
) -> Pairing:
    """Restart a paused pairing."""
    now = now or utcnow()
    pairing, sides = load(pairing_id, actor, lock=True)
    side = authorise(Action.RESUME, pairing.status, sides)
    _close_pause(pairing, now)
    _move(pairing, Action.RESUME, side, actor, client_address)
    commit()
    return pairing


def end(
    pairing_id: int,
    actor: Any,
    reason: EndReason,
    note: str = "",
    now: datetime | None = None,
    client_address: str | None = None,
) -> Pairing:
    """End a live pairing with a reason.

    The diner goes back on the waiting list from now; one who asked for a different cook goes
    to the front (waiting_priority), and that cook is never proposed to them again (the
    matcher's exclusions read it).
    """
    now = now or utcnow()
    note = (note or "").strip()
    pairing, sides = load(pairing_id, actor, lock=True)
    side = authorise(Action.END, pairing.status, sides)
    if reason == EndReason.OTHER and not note:
        raise PairingError(gettext("Tell us briefly why the pairing is ending."), field="note")
    _close_pause(pairing, now)
    pairing.ended_at = max(now, pairing.started_at or now)
    pairing.end_reason, pairing.end_note = reason, note
    # Back on the waiting list from now: the wait shown is the true one. Asking for a
    # different cook puts them first by an explicit priority, never by back-dating.
    diner = pairing.diner
    diner.waiting_since = now
    diner.waiting_priority = 1 if reason == EndReason.DIFFERENT_COOK else 0
    _move(pairing, Action.END, side, actor, client_address, reason=reason)
    notifications.ended_to_coordinators(pairing, actor)
    commit()
    return pairing
