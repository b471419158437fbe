"""The console's message lists: calls to make, letters to print, messages that failed.

Calls are messages for people who asked to be rung: the coordinator rings, writes what came
of it, and that goes into the person's case log. Letters wait in a printable batch (when
the council posts its own) until marked printed. Failed messages show who and why, with a
link to the person's record, so the coordinator can fix a number or an address.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from casserole.extensions import db
from casserole.models import (
    Area,
    CaseLogKind,
    ContactWay,
    DinerProfile,
    EmailStatus,
    OutboundEmail,
    Role,
    User,
    utcnow,
)
from casserole.services import audit, channels
from casserole.services.casework import case_log

MAX_OUTCOME = 2000
# Enough for one sitting at the printer; the rest stay for the next batch.
LETTER_BATCH_SIZE = 100


class MessageError(ValueError):
    """A call outcome or batch that cannot be recorded, with the reason."""


@dataclass(frozen=True)
class Person:
    """Who a message is for, as the console names and links them."""

    name: str
    record: tuple[str, dict[str, Any]] | None  # endpoint and its values, if any


def person_of(row: OutboundEmail, area: Area) -> Person:
    """The person a message is for and their record in this area (None if it has none here)."""
    if row.diner_id is not None:
        diner = db.session.get(DinerProfile, row.diner_id)
        if diner is not None:
            record = ("coordinator.diner", {"slug": area.slug, "diner_id": diner.id})
            return Person(diner.display_name, record if diner.area_id == area.id else None)
    user = db.session.get(User, row.person_id) if row.person_id is not None else None
    if user is None:
        return Person(row.to_address or "someone without an account", None)
    if user.role == Role.COOK and user.cook_profile is not None:
        cook = user.cook_profile
        record = ("coordinator.cook", {"slug": area.slug, "cook_id": cook.id})
        return Person(user.display_name, record if cook.area_id == area.id else None)
    if user.role == Role.CARER and area.id in case_log.carer_area_ids(user.id):
        return Person(
            user.display_name, ("coordinator.carer", {"slug": area.slug, "carer_id": user.id})
        )
    return Person(user.display_name, None)


@dataclass(frozen=True)
class Waiting:
    """What the console's home says is waiting: calls to make, letters to print, failures."""

    calls: int
    letters: int
    failed: int

    @property
    def any(self) -> bool:
        """True when something waits for the coordinator."""
        return bool(self.calls or self.letters or self.failed)


def waiting(area: Area) -> Waiting:
    """How many calls, letters and failed messages wait in the area (one query each)."""

    def count(*conditions: Any) -> int:
        stmt = select(func.count(OutboundEmail.id)).where(_in_area(area), *conditions)
        return int(db.session.scalar(stmt) or 0)

    return Waiting(
        calls=count(
            OutboundEmail.channel == ContactWay.PHONE,
            OutboundEmail.status == EmailStatus.PENDING,
        ),
        letters=count(
            OutboundEmail.channel == ContactWay.LETTER,
            OutboundEmail.printed_at.is_(None),
            OutboundEmail.status != EmailStatus.FAILED,
            OutboundEmail.postal_address != "",
        ),
        failed=count(OutboundEmail.status == EmailStatus.FAILED),
    )


def _in_area(area: Area) -> Any:
    return OutboundEmail.area_id == area.id


def calls_to_make(area: Area) -> list[OutboundEmail]:
    """Calls not yet made in the area, oldest first."""
    return list(
        db.session.scalars(
            select(OutboundEmail)
            .where(
                _in_area(area),
                OutboundEmail.channel == ContactWay.PHONE,
                OutboundEmail.status == EmailStatus.PENDING,
            )
            .order_by(OutboundEmail.id)
        )
    )


def failed(area: Area) -> list[OutboundEmail]:
    """Messages in the area that could not be sent, newest first."""
    return list(
        db.session.scalars(
            select(OutboundEmail)
            .where(_in_area(area), OutboundEmail.status == EmailStatus.FAILED)
            .order_by(OutboundEmail.id.desc())
            .limit(200)
        )
    )


def letters_to_print(area: Area) -> list[OutboundEmail]:
    """Letters in the area not yet printed (sent by Notify too, if it is on), oldest first."""
    return list(
        db.session.scalars(
            select(OutboundEmail)
            .where(
                _in_area(area),
                OutboundEmail.channel == ContactWay.LETTER,
                OutboundEmail.printed_at.is_(None),
                OutboundEmail.status != EmailStatus.FAILED,
                OutboundEmail.postal_address != "",
            )
            .order_by(OutboundEmail.id)
            .limit(LETTER_BATCH_SIZE)
        )
    )


def _subject_for(row: OutboundEmail, area: Area) -> case_log.Subject | None:
    """The case log a call's outcome goes into: the person's, else the pairing's."""
    if row.diner_id is not None:
        subject = case_log.find_subject(area, "diner", row.diner_id)
        if subject is not None:
            return subject
    user = db.session.get(User, row.person_id) if row.person_id is not None else None
    if user is not None and user.role == Role.COOK and user.cook_profile is not None:
        subject = case_log.find_subject(area, "cook", user.cook_profile.id)
        if subject is not None:
            return subject
    if user is not None and user.role == Role.CARER:
        subject = case_log.find_subject(area, "carer", user.id)
        if subject is not None:
            return subject
    if row.pairing_id is not None:
        return case_log.find_subject(area, "pairing", row.pairing_id)
    return None


def call_in(area: Area, message_id: int) -> OutboundEmail | None:
    """A call still to make in this area, or None (another area's, made already, not a call)."""
    row = db.session.get(OutboundEmail, message_id)
    if (
        row is None
        or row.area_id != area.id
        or row.channel != ContactWay.PHONE
        or row.status != EmailStatus.PENDING
    ):
        return None
    return row


def record_call(
    area: Area, message_id: int, outcome: str, actor: Any, client_address: str | None = None
) -> OutboundEmail | None:
    """Tick off a call with what came of it; the outcome goes into the case log.

    Returns None when there is no such call waiting in the area (the view answers 404).
    """
    row = call_in(area, message_id)
    if row is None:
        return None
    outcome = (outcome or "").strip()
    if not outcome:
        raise MessageError("Write what came of the call.")
    if len(outcome) > MAX_OUTCOME:
        raise MessageError(f"Keep it under {MAX_OUTCOME:,} characters.")
    now = utcnow()
    row.outcome, row.done_by_id, row.status, row.sent_at = outcome, actor.id, EmailStatus.SENT, now
    row.attempts += 1
    subject = _subject_for(row, area)
    if subject is not None:
        case_log.add_entry(
            subject,
            CaseLogKind.CALL,
            f"Rang about: {row.subject}. {outcome}",
            actor,
            commit=False,
            client_address=client_address,
        )
    audit.record("call_made", row, area_id=area.id, actor=actor, client_address=client_address)
    db.session.commit()
    return row


def send_again(
    area: Area, message_id: int, actor: Any, client_address: str | None = None
) -> OutboundEmail | None:
    """Queue a failed message again, to the person's details and choice as they are now.

    For after the coordinator has fixed a number or an address on the record (or the person
    chose another way: the words stay as written). Returns None when there is no such failed
    message in the area; a call is never failed, so it never becomes one here.
    """
    row = db.session.get(OutboundEmail, message_id)
    if row is None or row.area_id != area.id or row.status != EmailStatus.FAILED:
        return None
    reach = _current_reach(row)
    if reach is None or reach.channel == ContactWay.PHONE:
        # A call would need the coordinator anyway: they ring from the record.
        raise MessageError("We no longer hold a way to reach this person; ring them instead.")
    row.channel, row.to_address, row.to_phone = reach.channel, reach.to_address, reach.to_phone
    row.postal_address = reach.postal_address
    row.status, row.attempts, row.last_error = EmailStatus.PENDING, 0, ""
    row.next_attempt_at = utcnow()
    audit.record(
        "message_sent_again", row, area_id=area.id, actor=actor, client_address=client_address
    )
    db.session.commit()
    return row


def _current_reach(row: OutboundEmail) -> channels.Reach | None:
    if row.diner_id is not None:
        diner = db.session.get(DinerProfile, row.diner_id)
        return channels.reach_for(diner) if diner is not None else None
    user = db.session.get(User, row.person_id) if row.person_id is not None else None
    if user is not None and user.is_active_account:
        return channels.reach_for_user(user)
    if row.to_address:
        return channels.reach_for(row.to_address)
    return None


def mark_printed(
    area: Area, message_ids: Collection[int], actor: Any, client_address: str | None = None
) -> int:
    """Mark the area's letters in a printed batch as printed; returns how many were marked."""
    if not message_ids:
        raise MessageError("There were no letters in that batch.")
    rows = list(
        db.session.scalars(
            select(OutboundEmail).where(
                OutboundEmail.id.in_(sorted(message_ids)),
                _in_area(area),
                OutboundEmail.channel == ContactWay.LETTER,
                OutboundEmail.printed_at.is_(None),
            )
        )
    )
    now = utcnow()
    for row in rows:
        row.printed_at = now
        if row.status == EmailStatus.PENDING:
            # Without Notify the council posts it: printing is its sending.
            row.status, row.sent_at = EmailStatus.SENT, now
    audit.record(
        "letters_printed",
        area,
        area_id=area.id,
        actor=actor,
        client_address=client_address,
        count=len(rows),
    )
    db.session.commit()
    return len(rows)
