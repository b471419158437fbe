"""Moving a pairing through its life: approve, accept, decline, pause, resume, end."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from casserole import clock
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
from casserole.models.vocab import LIVE_STATUSES, OPEN_PROPOSAL_STATUSES
from casserole.services import audit, mail, notifications, vetting, welfare_messages
from casserole.services.matching import load_during
from casserole.services.pairings.reach import break_of, load
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
ALREADY_PROPOSED = (
    "{name} already has an open proposal, so a second one cannot be made. Nothing has been changed."
)
# The partial unique index that refuses a second open proposal (models/pairing.py).
OPEN_PROPOSAL_INDEX = "uq_pairings_one_open_proposal_per_diner"


def lost_race(err: IntegrityError, diner_name: str = "This diner") -> PairingError:
    """The 409 for a write another request beat us to, named by the index that stopped it.

    SQLite's message names columns, not the index; a live pairing is then the likelier race.
    """
    if OPEN_PROPOSAL_INDEX in str(err.orig):
        return PairingError(ALREADY_PROPOSED.format(name=diner_name))
    return PairingError(ALREADY_PAIRED.format(name=diner_name))


@contextmanager
def refusing_lost_races(diner_name: str = "This diner") -> Iterator[None]:
    """Turn a unique-index failure, at a flush or at the commit, into a 409 with plain words.

    Only the per-diner unique indexes (one live pairing, one open proposal) can fail on these
    writes, so an IntegrityError here means another request got there first.
    """
    try:
        yield
    except IntegrityError as err:
        db.session.rollback()
        raise lost_race(err, diner_name) from None


def move(
    pairing: Pairing,
    action: Action,
    side: Any,
    actor: Any,
    client_address: str | None,
    **detail: Any,
) -> None:
    """Apply the table's target state and record who did it and when in the audit trail.

    `side` is the acting side (Side.SCHEDULE and actor None for the daily timed job).

    Reasons and notes people write stay on the pairing (where erasure and retention reach
    them); the audit event holds only code words and record numbers.
    """
    before = pairing.status
    name = pairing.diner.first_name  # read before the status changes: loading it may flush
    target = TRANSITIONS[action].target
    if target is not None:
        pairing.status = target
    # Flush here, so a lost race meets the unique index now and becomes a 409, rather than
    # at an autoflush inside the audit or e-mail code below (which would be a 500).
    with refusing_lost_races(name):
        db.session.flush()
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
    with refusing_lost_races(diner_name):
        db.session.commit()
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
    # A stand-in sits beside the diner's paused regular pairing: only another live stand-in
    # stands in its way (the database holds one of each, see models/pairing.py).
    kind = Pairing.covers_id.is_not(None) if pairing.is_stand_in else Pairing.covers_id.is_(None)
    other = db.session.scalar(
        select(Pairing.id).where(
            Pairing.diner_id == pairing.diner_id,
            Pairing.status.in_(LIVE_STATUSES),
            Pairing.id != pairing.id,
            kind,
        )
    )
    if other is not None:
        raise PairingError(ALREADY_PAIRED.format(name=pairing.diner.first_name))
    # A stand-in may be agreed before the break starts, but not once the pairing it covers
    # has ended.
    if pairing.is_stand_in and (
        pairing.covers is None or pairing.covers.status not in LIVE_STATUSES
    ):
        raise PairingError(
            "The pairing this stand-in was to cover has ended, so the stand-in is not needed."
        )


def _refuse_if_cook_not_vetted(pairing: Pairing, now: datetime, *, to_cook: bool = False) -> None:
    """Refuse (409) while the cook's checks are not all current, saying which and since when.

    Checks can lapse between a proposal and its yes; the rule is `CookProfile.is_vetted`.
    """
    problem = vetting.vetting_problem(pairing.cook, clock.local_date(now), to_cook=to_cook)
    if problem is None:
        return
    if to_cook:
        problem += " Please ask your coordinator to record a new one; then you can say yes."
    else:
        problem += " The coordinator has to record a new check before this can go ahead."
    raise PairingError(problem)


def approve(
    pairing_id: int,
    actor: Any,
    now: datetime | None = None,
    client_address: str | None = None,
    *,
    commit_now: bool = True,
) -> Pairing:
    """A coordinator approves a proposal; the cook is asked.

    With `commit_now=False` the approval and its e-mail are only flushed: "approve all"
    commits a batch of them at once (casserole/jobs/kinds.py).
    """
    now = now or utcnow()
    pairing, sides = load(pairing_id, actor, lock=True)
    side = authorise(Action.APPROVE, pairing.status, sides)
    _refuse_if_diner_has_a_cook(pairing)
    _refuse_if_cook_not_vetted(pairing, now)
    pairing.approved_at, pairing.approved_by_id = now, actor.id
    move(pairing, Action.APPROVE, side, actor, client_address)
    notifications.proposal_to_cook(pairing)
    if commit_now:
        commit(pairing.diner.first_name)
    else:
        db.session.flush()
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
    _refuse_if_cook_not_vetted(pairing, now, to_cook=action == Action.COOK_ACCEPT)
    if action == Action.COOK_ACCEPT:
        _refuse_if_diner_has_a_cook(pairing)
        if pairing.is_stand_in:
            # A stand-in takes a place only for its dates: count what the cook holds then.
            live = load_during(
                pairing.cook_id, pairing.area_id, pairing.first_day, pairing.last_day, pairing.id
            )
        else:
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
        move(pairing, action, side, actor, client_address)
        notifications.acceptance_to_diner_side(pairing)
    else:
        _refuse_if_diner_has_a_cook(pairing, lock=True)
        pairing.diner_accepted_at, pairing.diner_accepted_by_id = now, actor.id
        pairing.started_at = now
        move(pairing, action, side, actor, client_address)
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
    move(pairing, Action.DECLINE, side, actor, client_address)
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
    """Pause a live pairing (holiday, hospital); no meals until it restarts; the others told."""
    now = now or utcnow()
    pairing, sides = load(pairing_id, actor, lock=True)
    side = authorise(Action.PAUSE, pairing.status, sides)
    new_pause = PairingPause(started_at=now, reason=(reason or "").strip()[:200])
    pairing.pauses.append(new_pause)
    db.session.flush()
    move(pairing, Action.PAUSE, side, actor, client_address, pause_id=new_pause.id)
    welfare_messages.pairing_changed(pairing, "paused", actor, new_pause.reason)
    commit()
    return pairing


def _close_pause(pairing: Pairing, now: datetime) -> None:
    for open_pause in (p for p in pairing.pauses if p.ended_at is None):
        open_pause.ended_at = max(now, open_pause.started_at)


def resume(
    pairing_id: int, actor: Any, now: datetime | None = None, client_address: str | None = None
) -> Pairing:
    """Restart a paused pairing; everyone else in it is told."""
    now = now or utcnow()
    pairing, sides = load(pairing_id, actor, lock=True)
    on_break, until = break_of(pairing)
    side = authorise(Action.RESUME, pairing.status, sides, on_break=on_break, break_until=until)
    _close_pause(pairing, now)
    move(pairing, Action.RESUME, side, actor, client_address)
    welfare_messages.pairing_changed(pairing, "resumed", actor)
    commit()
    return pairing


def _end_stand_ins_of(
    pairing: Pairing, now: datetime, actor: Any, side: Side, client_address: str | None
) -> None:
    """A pairing that ends takes its stand-in with it (live ones end, proposals are withdrawn)."""
    covering = db.session.scalars(
        select(Pairing).where(
            Pairing.covers_id == pairing.id,
            Pairing.status.in_([*LIVE_STATUSES, *OPEN_PROPOSAL_STATUSES]),
        )
    )
    for stand_in in covering:
        if stand_in.status in LIVE_STATUSES:
            _close_pause(stand_in, now)
            stand_in.ended_at = max(now, stand_in.started_at or now)
            stand_in.end_reason, stand_in.end_note = (
                EndReason.OTHER,
                "The pairing it covered ended.",
            )
            move(stand_in, Action.END, side, actor, client_address, reason=EndReason.OTHER)
        else:
            stand_in.declined_at, stand_in.declined_by_id = now, actor.id
            stand_in.decline_reason = "The pairing it was to cover has ended."
            move(stand_in, Action.DECLINE, side, actor, client_address)
        notifications.break_notice(
            stand_in,
            [stand_in.cook.user],
            _l(
                "You are no longer needed as %(name)s's stand-in cook",
                name=stand_in.diner.first_name,
            ),
            _l(
                "The pairing you were standing in for has ended, so %(name)s does not need "
                "a stand-in cook any more. Thank you.",
                name=stand_in.diner.first_name,
            ),
        )


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
    if reason == EndReason.DIED:
        # Nobody must be proposed a cook for someone who has died: off the waiting list.
        diner.consent_at = None
    move(pairing, Action.END, side, actor, client_address, reason=reason)
    _end_stand_ins_of(pairing, now, actor, side, client_address)
    notifications.ended_to_coordinators(pairing, actor)
    if reason == EndReason.DIED:
        # A death is told through its own gentle words, not the plain "ended" message.
        notifications.death_to_others(pairing, actor)
    else:
        welfare_messages.pairing_changed(
            pairing, "ended", actor, welfare_messages.END_WORDS[reason]
        )
    commit()
    return pairing
