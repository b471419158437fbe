"""People: accounts, cook and diner profiles, vetting checks and the district waiting list."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    and_,
    func,
    or_,
    select,
)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from casserole.models.area import Area, coordinator_areas
from casserole.models.base import Base, UTCDateTime, str_enum, utcnow
from casserole.models.casework import HAS_CONTACT, ReferralMixin
from casserole.models.search_keys import SearchKeysMixin
from casserole.models.vocab import (
    ALL_ALLERGEN_MASK,
    ALL_DAYS_MASK,
    ALL_DIET_MASK,
    CheckKind,
    ConsentMethod,
    ContactWay,
    Precision,
    Role,
    mask_to_allergens,
    mask_to_days,
    mask_to_tags,
)


class User(SearchKeysMixin, UserMixin, Base):
    """A login: cook, diner, carer, coordinator or admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a cook registered in person without one: that account never logs in.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role), index=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80), default="")
    phone: Mapped[str | None] = mapped_column(String(40))
    # How the person likes to hear from the service; None is e-mail. A diner with an
    # account uses their diner profile's `preferred_contact` instead (one place per person).
    preferred_contact: Mapped[ContactWay | None] = mapped_column(str_enum(ContactWay))
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on password change so every other session and remember-me cookie dies.
    session_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the person's data was erased at their request; the row stays anonymised.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language of their pages and messages: "en", "cy" or "bn" (casserole.i18n.LANGUAGES).
    locale: Mapped[str] = mapped_column(String(8), default="en", server_default="en")

    areas: Mapped[list[Area]] = relationship(secondary=coordinator_areas, order_by=Area.name)
    cook_profile: Mapped[CookProfile | None] = relationship(back_populates="user")
    managed_diners: Mapped[list[DinerProfile]] = relationship(
        back_populates="carer", foreign_keys="DinerProfile.carer_id", order_by="DinerProfile.id"
    )

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        """Flask-Login: a deactivated account cannot log in."""
        return self.is_active_account

    def get_id(self) -> str:
        """Flask-Login: the id plus the session version, so old sessions stop working."""
        return f"{self.id}:{self.session_version}"

    @property
    def display_name(self) -> str:
        """First and last name, for greetings and lists."""
        return f"{self.first_name} {self.last_name}".strip()

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class LocatedMixin:
    """Where someone lives: postcode, first address line and the geocoded point."""

    postcode: Mapped[str] = mapped_column(String(8))
    outcode: Mapped[str] = mapped_column(String(4), index=True)
    address_line: Mapped[str] = mapped_column(String(200), default="")
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    geo_precision: Mapped[Precision] = mapped_column(str_enum(Precision))

    @declared_attr
    def area_id(cls) -> Mapped[int | None]:  # noqa: N805
        """The live area the person's district belongs to; None while on the waiting list."""
        return mapped_column(ForeignKey("areas.id"), index=True)

    @declared_attr
    def area(cls) -> Mapped[Area | None]:  # noqa: N805
        """The live area, if any."""
        return relationship(Area)


def _located_checks() -> tuple[CheckConstraint, ...]:
    """Coordinate checks shared by the located tables."""
    return (
        CheckConstraint("latitude BETWEEN -90 AND 90", name="latitude_range"),
        CheckConstraint("longitude BETWEEN -180 AND 180", name="longitude_range"),
    )


class CookProfile(LocatedMixin, Base):
    """A volunteer cook: where they are, when and what they can cook, how far they travel."""

    __tablename__ = "cook_profiles"
    __table_args__ = (
        *_located_checks(),
        CheckConstraint("capacity BETWEEN 1 AND 12", name="capacity_range"),
        CheckConstraint("max_km > 0 AND max_km <= 50", name="max_km_range"),
        CheckConstraint(f"days_mask BETWEEN 0 AND {ALL_DAYS_MASK}", name="days_mask_range"),
        CheckConstraint(f"can_cook_mask BETWEEN 0 AND {ALL_DIET_MASK}", name="can_cook_range"),
        CheckConstraint(
            f"keeps_out_mask BETWEEN 0 AND {ALL_ALLERGEN_MASK}", name="keeps_out_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    days_mask: Mapped[int] = mapped_column(Integer, default=0)
    availability_note: Mapped[str] = mapped_column(String(200), default="")
    can_cook_mask: Mapped[int] = mapped_column(Integer, default=0)
    # The allergens (vocab.ALLERGENS bits) the cook can reliably keep out of a meal.
    keeps_out_mask: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    max_km: Mapped[float] = mapped_column(Float, default=3.0)
    introduction: Mapped[str] = mapped_column(String(1000), default="")
    # Optional; only the year, which is all the age-range figures need.
    birth_year: Mapped[int | None] = mapped_column(Integer)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_until: Mapped[date | None] = mapped_column(Date)
    # Suspended on a safeguarding matter: no proposals, live pairings paused (reason in the log).
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="cook_profile")
    checks: Mapped[list[VettingCheck]] = relationship(
        back_populates="cook", cascade="all, delete-orphan", order_by="VettingCheck.checked_on"
    )

    @property
    def days(self) -> frozenset[int]:
        """Weekdays the cook can cook (0 = Monday)."""
        return mask_to_days(self.days_mask)

    @property
    def can_cook(self) -> frozenset[str]:
        """Dietary tags the cook can cook for."""
        return mask_to_tags(self.can_cook_mask)

    @property
    def keeps_out(self) -> frozenset[str]:
        """Allergens the cook can reliably keep out of a meal."""
        return mask_to_allergens(self.keeps_out_mask)

    # The vetting rule, its one owner: every kind of check done by `day` and unexpired on it
    # (expiring soon still counts). Python and SQL sides sit together; a parity test holds them.
    @hybrid_method
    def is_vetted(self, day: date) -> bool:
        """True when every kind of check is present and unexpired on `day`."""
        return holds_every_check(self.checks, day)

    @is_vetted.inplace.expression
    @classmethod
    def _is_vetted_expression(cls, day: date) -> Any:
        """The same rule as a SQL condition on CookProfile.

        Grouping the valid checks once beats a correlated EXISTS per kind on PostgreSQL
        (half the time for the vetting queue and the matcher's input on 10,000 cooks).
        """
        valid_kinds = func.count(func.distinct(VettingCheck.kind))
        vetted_ids = (
            select(VettingCheck.cook_id)
            .where(VettingCheck.is_valid_on(day))
            .group_by(VettingCheck.cook_id)
            .having(valid_kinds == len(CheckKind))
        )
        return cls.id.in_(vetted_ids)


def holds_every_check(checks: Iterable[VettingCheck], day: date) -> bool:
    """The vetting rule over checks already loaded: a valid check of every kind on `day`."""
    return {c.kind for c in checks if c.is_valid_on(day)} >= set(CheckKind)


class VettingCheck(Base):
    """One vetting check (ID, DBS, food hygiene) of a cook; history is kept, never edited."""

    __tablename__ = "vetting_checks"
    __table_args__ = (
        CheckConstraint("expires_on IS NULL OR expires_on > checked_on", name="expiry_after_check"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cook_id: Mapped[int] = mapped_column(
        ForeignKey("cook_profiles.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[CheckKind] = mapped_column(str_enum(CheckKind))
    checked_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(80), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cook: Mapped[CookProfile] = relationship(back_populates="checks")

    @hybrid_method
    def is_valid_on(self, day: date) -> bool:
        """True when the check has been done and has not expired by `day`."""
        return self.checked_on <= day and (self.expires_on is None or self.expires_on > day)

    @is_valid_on.inplace.expression
    @classmethod
    def _is_valid_on_expression(cls, day: date) -> Any:
        """The same as a SQL condition on VettingCheck."""
        return and_(cls.checked_on <= day, or_(cls.expires_on.is_(None), cls.expires_on > day))


class DinerProfile(SearchKeysMixin, LocatedMixin, ReferralMixin, Base):
    """A diner: may have no login at all when a carer manages them (many are offline)."""

    __tablename__ = "diner_profiles"
    __table_args__ = (
        *_located_checks(),
        CheckConstraint("max_km > 0 AND max_km <= 50", name="max_km_range"),
        CheckConstraint(f"days_mask BETWEEN 0 AND {ALL_DAYS_MASK}", name="days_mask_range"),
        CheckConstraint(f"needs_mask BETWEEN 0 AND {ALL_DIET_MASK}", name="needs_range"),
        CheckConstraint(f"allergen_mask BETWEEN 0 AND {ALL_ALLERGEN_MASK}", name="allergen_range"),
        CheckConstraint(HAS_CONTACT, name="has_contact"),
        # "Is this carer's diner in the area?" in one probe (console search, carer records).
        Index("ix_diner_profiles_carer_area", "carer_id", "area_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    carer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    carer_relationship: Mapped[str] = mapped_column(String(80), default="")
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(40))
    days_mask: Mapped[int] = mapped_column(Integer, default=0)
    needs_mask: Mapped[int] = mapped_column(Integer, default=0)
    # The diner's allergens (vocab.ALLERGENS bits): hard constraints for matching.
    allergen_mask: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Anything else about allergies or intolerances, in the diner's words.
    allergies: Mapped[str] = mapped_column(String(500), default="")
    likes: Mapped[str] = mapped_column(String(500), default="")
    dislikes: Mapped[str] = mapped_column(String(500), default="")
    access_notes: Mapped[str] = mapped_column(Text, default="")
    contact_preference: Mapped[str] = mapped_column(String(200), default="")
    max_km: Mapped[float] = mapped_column(Float, default=3.0)
    consent_method: Mapped[ConsentMethod | None] = mapped_column(str_enum(ConsentMethod))
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # When the diner (re)joined the waiting list; "oldest first" orders by it.
    waiting_since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Higher goes first on the waiting list (1: asked for a different cook), so waiting_since
    # never has to be back-dated to jump the queue.
    waiting_priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    carer: Mapped[User | None] = relationship(
        back_populates="managed_diners", foreign_keys=[carer_id]
    )
    consent_by: Mapped[User | None] = relationship(foreign_keys=[consent_by_id])

    @property
    def days(self) -> frozenset[int]:
        """Weekdays the diner would like a meal (0 = Monday)."""
        return mask_to_days(self.days_mask)

    @property
    def needs(self) -> frozenset[str]:
        """Dietary tags every meal must satisfy (hard constraints for matching)."""
        return mask_to_tags(self.needs_mask)

    @property
    def allergens(self) -> frozenset[str]:
        """Allergens every meal must leave out (hard constraints for matching)."""
        return mask_to_allergens(self.allergen_mask)

    @property
    def display_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}".strip()

    def age_on(self, today: date) -> int | None:
        """Age in whole years on `today`, if the birth date is known."""
        return age_on(self.birth_date, today)


class WaitingListEntry(Base):
    """Someone whose district is outside every live area, waiting for the service to arrive."""

    __tablename__ = "district_waiting_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(160))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    postcode: Mapped[str] = mapped_column(String(8))
    outcode: Mapped[str] = mapped_column(String(4), index=True)
    nearest_area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def age_on(born: date | None, today: date) -> int | None:
    """Age in whole years on `today` of someone born on `born` (None when not known)."""
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
