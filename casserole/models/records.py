"""Supporting records: audit trail, imported postcode positions and the message outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from casserole.models.base import Base, UTCDateTime, str_enum, utcnow
from casserole.models.vocab import ContactWay, EmailStatus


class AuditEvent(Base):
    """Who did or saw what, when: append-only, readable by admins, editable by nobody."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject_type: Mapped[str] = mapped_column(String(40), default="")
    subject_id: Mapped[int | None] = mapped_column(Integer)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class PostcodeLocation(Base):
    """A full postcode's position, imported from ONSPD or Code-Point Open."""

    __tablename__ = "postcode_locations"
    __table_args__ = (
        CheckConstraint("latitude BETWEEN -90 AND 90", name="latitude_range"),
        CheckConstraint("longitude BETWEEN -180 AND 180", name="longitude_range"),
    )

    # Stored without spaces, upper case: "N31AB".
    postcode: Mapped[str] = mapped_column(String(8), primary_key=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)


class OutboundEmail(Base):
    """A message (e-mail, SMS, letter or a call to make) waiting, sent, or failed after retries.

    The table keeps its old name: every channel shares the queue, the retries and the
    coordinators' failed list; `channel` says how it goes and which address columns count.
    """

    __tablename__ = "outbound_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the message is for ("password_reset", "proposal_to_cook", ...): tests and the
    # coordinators' failed-mail list read it.
    kind: Mapped[str] = mapped_column(String(60), default="", index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[EmailStatus] = mapped_column(
        str_enum(EmailStatus), default=EmailStatus.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    pairing_id: Mapped[int | None] = mapped_column(
        ForeignKey("pairings.id", ondelete="SET NULL"), index=True
    )
    # The account the message is to or about: erasure finds a person's mail by it, even
    # mail sent to an address they no longer use.
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How it goes: e-mail (to_address), SMS or a call (to_phone), letter (postal_address).
    channel: Mapped[ContactWay] = mapped_column(
        str_enum(ContactWay), default=ContactWay.EMAIL, server_default="email", index=True
    )
    to_phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    # Letter address lines, one per line, the postcode last (as Notify and a window need).
    postal_address: Mapped[str] = mapped_column(Text, default="", server_default="")
    # A diner without an account (a letter, SMS or call to them): their record on the console.
    diner_id: Mapped[int | None] = mapped_column(
        ForeignKey("diner_profiles.id", ondelete="SET NULL"), index=True
    )
    # The provider's id for a sent message (GOV.UK Notify's notification id).
    provider_ref: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # Letters: when the coordinator printed it in a batch (councils that post their own).
    printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Calls: what came of ringing, and who rang (the outcome also goes to the case log).
    outcome: Mapped[str] = mapped_column(Text, default="", server_default="")
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


# The same table under the name every channel can read naturally.
OutboundMessage = OutboundEmail


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _audit_is_append_only(_mapper: object, _connection: object, target: AuditEvent) -> None:
    """Refuse to change or remove an audit event through the ORM."""
    raise PermissionError(f"audit event {target.id} is append-only")
