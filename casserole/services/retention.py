"""Retention: what is cleared once it is no longer needed (`flask apply-retention`, daily).

- Pairings that ended (or proposals declined) more than RETENTION_DAYS ago: every note
  anyone wrote on them (reasons, dishes, allergen notes, feedback, pause reasons) and the
  e-mail about them.
- Delivered e-mail: subject, body and address, MAIL_RETENTION_DAYS after delivery.
- Failed e-mail: the same, FAILED_MAIL_DAYS after it was queued (time for a coordinator to
  see the failure and phone the person instead).
- District waiting-list entries older than RETENTION_DAYS (the district never opened).
- Client addresses on audit events older than CLIENT_ADDRESS_DAYS (the event stays).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Text, and_, cast, delete, or_, select, update

from casserole.extensions import db
from casserole.models import (
    AuditEvent,
    EmailStatus,
    OutboundEmail,
    Pairing,
    PairingStatus,
    WaitingListEntry,
    utcnow,
)
from casserole.services.erasure import BLANK_MESSAGE, clear_messages, clear_pairing_texts

FAILED_MAIL_DAYS = 30
# Long enough to look into misuse of an account; after that an address only identifies.
CLIENT_ADDRESS_DAYS = 90
_BATCH = 1000


@dataclass(frozen=True)
class Cleared:
    """How many records one retention run cleared, by kind."""

    pairings: int
    messages: int
    waiting: int
    addresses: int = 0


def _old_pairings(cutoff: datetime) -> list[int]:
    return list(
        db.session.scalars(
            select(Pairing.id).where(
                or_(
                    and_(Pairing.status == PairingStatus.ENDED, Pairing.ended_at < cutoff),
                    and_(Pairing.status == PairingStatus.DECLINED, Pairing.declined_at < cutoff),
                )
            )
        )
    )


def _clear_delivered(now: datetime, mail_days: int) -> int:
    """Blank delivered mail past its grace period and failed mail past FAILED_MAIL_DAYS."""
    due = or_(
        and_(
            OutboundEmail.status == EmailStatus.SENT,
            OutboundEmail.sent_at < now - timedelta(days=mail_days),
        ),
        and_(
            OutboundEmail.status == EmailStatus.FAILED,
            OutboundEmail.created_at < now - timedelta(days=FAILED_MAIL_DAYS),
        ),
    )
    # Only rows that still hold something, so the count says what this run did.
    not_blank = or_(
        OutboundEmail.text_body != "",
        OutboundEmail.to_address != "",
        OutboundEmail.to_phone != "",
        OutboundEmail.postal_address != "",
    )
    result = db.session.execute(
        update(OutboundEmail)
        .where(due, not_blank)
        .values(**BLANK_MESSAGE)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def _forget_old_client_addresses(cutoff: datetime) -> int:
    """Drop the "ip" detail of audit events recorded before `cutoff`; returns how many."""
    # The serialised JSON is searched as text so both engines can find the rows cheaply.
    rows = db.session.execute(
        select(AuditEvent.id, AuditEvent.detail).where(
            AuditEvent.at < cutoff, cast(AuditEvent.detail, Text).like('%"ip"%')
        )
    ).all()
    for event_id, detail in rows:
        kept = {k: v for k, v in (detail or {}).items() if k != "ip"}
        # A Core update: the ORM refuses edits to the append-only trail; this is retention's.
        db.session.execute(
            update(AuditEvent)
            .where(AuditEvent.id == event_id)
            .values(detail=kept)
            .execution_options(synchronize_session=False)
        )
    return len(rows)


def apply_retention(days: int, mail_days: int = 7, now: datetime | None = None) -> Cleared:
    """Clear what has been kept long enough (see the module's list); one commit."""
    now = now or utcnow()
    cutoff = now - timedelta(days=days)
    ids = _old_pairings(cutoff)
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        clear_pairing_texts(batch)
        clear_messages([], batch)
    messages = _clear_delivered(now, mail_days)
    waiting = db.session.execute(
        delete(WaitingListEntry)
        .where(WaitingListEntry.created_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    addresses = _forget_old_client_addresses(now - timedelta(days=CLIENT_ADDRESS_DAYS))
    db.session.commit()
    return Cleared(
        pairings=len(ids),
        messages=messages,
        waiting=int(waiting.rowcount or 0),
        addresses=addresses,
    )
