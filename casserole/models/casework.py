"""Casework: the case log, and what a coordinator records about a referred diner."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from casserole.models.base import Base, UTCDateTime, str_enum, utcnow
from casserole.models.vocab import CaseLogKind, ContactWay, ReferrerKind

# Exactly one subject per entry: a diner, a cook, a carer or a pairing.
_ONE_SUBJECT = " + ".join(
    f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)"
    for column in ("diner_id", "cook_id", "carer_id", "pairing_id")
)


class CaseLogEntry(Base):
    """A note, phone call or visit about one person or pairing, written by a coordinator."""

    __tablename__ = "case_log_entries"
    __table_args__ = (
        CheckConstraint(f"{_ONE_SUBJECT} = 1", name="one_subject"),
        Index("ix_case_log_entries_area_created", "area_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    kind: Mapped[CaseLogKind] = mapped_column(str_enum(CaseLogKind))
    body: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    diner_id: Mapped[int | None] = mapped_column(
        ForeignKey("diner_profiles.id", ondelete="CASCADE"), index=True
    )
    cook_id: Mapped[int | None] = mapped_column(
        ForeignKey("cook_profiles.id", ondelete="CASCADE"), index=True
    )
    carer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    pairing_id: Mapped[int | None] = mapped_column(
        ForeignKey("pairings.id", ondelete="CASCADE"), index=True
    )

    author = relationship("User", foreign_keys=[author_id])


# A diner speaks for themselves, has a carer, or is in the coordinators' care (registered by
# them, or left without a contact when their carer erased their account).
HAS_CONTACT = (
    "user_id IS NOT NULL OR carer_id IS NOT NULL OR registered_by_id IS NOT NULL"
    " OR contact_lost_at IS NOT NULL"
)


class ReferralMixin:
    """A diner's referral, consent details, preferred contact and emergency contact."""

    referrer_kind: Mapped[ReferrerKind | None] = mapped_column(str_enum(ReferrerKind))
    referrer_name: Mapped[str] = mapped_column(String(160), default="")
    referrer_organisation: Mapped[str] = mapped_column(String(160), default="")
    referrer_contact: Mapped[str] = mapped_column(String(200), default="")
    preferred_contact: Mapped[ContactWay | None] = mapped_column(str_enum(ContactWay))
    emergency_contact_name: Mapped[str] = mapped_column(String(160), default="")
    emergency_contact_phone: Mapped[str] = mapped_column(String(40), default="")
    # Set when their carer left (erased their account): the coordinators look after them.
    contact_lost_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @declared_attr
    def registered_by_id(cls) -> Mapped[int | None]:  # noqa: N805
        """The coordinator who registered the diner directly (no account, no carer needed)."""
        return mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
