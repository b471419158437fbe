"""Registering people directly: diners (no e-mail needed) and cooks met in person (no password)."""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select

from casserole import clock
from casserole.access import can_see_area
from casserole.extensions import db
from casserole.models import (
    Area,
    ConsentMethod,
    ContactWay,
    CookProfile,
    DinerProfile,
    ReferrerKind,
    Role,
    User,
    utcnow,
)
from casserole.services import audit
from casserole.services.accounts import (
    FieldError,
    email_taken,
    hash_password,
    name_problem,
    normalise_email,
    normalise_phone,
    phone_problem,
    request_password_reset,
    text_problem,
)
from casserole.services.diner_details import DinerDetails, check_diner, diner_fields, tidy_diner
from casserole.services.places import locate, location_fields

# The ways a coordinator may record consent (online sign-up is the diner's own).
COORDINATOR_CONSENT = (
    ConsentMethod.PHONE,
    ConsentMethod.PAPER,
    ConsentMethod.IN_PERSON,
    ConsentMethod.REFERRER,
)
DUPLICATE = "{name} at {postcode}, born {born}, is already registered."


@dataclass
class Referral:
    """A diner registered by a coordinator: their details, who referred them, consent, contacts."""

    details: DinerDetails
    consent_method: ConsentMethod | None = None
    preferred_contact: ContactWay | None = None
    emergency_contact_name: str = ""
    emergency_contact_phone: str = ""
    referrer_kind: ReferrerKind | None = None
    referrer_name: str = ""
    referrer_organisation: str = ""
    referrer_contact: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _tidy(value: str) -> str:
    return unicodedata.normalize("NFC", (value or "").strip())


def name_key(first: str, last: str) -> str:
    """A name compared without case or surrounding space, for finding duplicates."""
    return f"{_tidy(first)} {_tidy(last)}".strip().casefold()


def existing_keys(area_id: int | None = None) -> set[tuple[str, str, date | None]]:
    """(name, postcode, birth date) of every diner not erased, to spot duplicates."""
    stmt = select(
        DinerProfile.first_name,
        DinerProfile.last_name,
        DinerProfile.postcode,
        DinerProfile.birth_date,
    ).where(DinerProfile.erased_at.is_(None))
    if area_id is not None:
        stmt = stmt.where(DinerProfile.area_id == area_id)
    return {
        (name_key(a, b), pc.replace(" ", "").upper(), born)
        for a, b, pc, born in db.session.execute(stmt)
    }


def is_duplicate(first: str, last: str, postcode: str, born: date | None) -> bool:
    """True when someone with this name, postcode and date of birth is already registered."""
    stmt = select(func.count()).where(
        func.lower(DinerProfile.first_name) == _tidy(first).lower(),
        func.lower(DinerProfile.last_name) == _tidy(last).lower(),
        func.replace(DinerProfile.postcode, " ", "") == postcode.replace(" ", "").upper(),
        DinerProfile.birth_date == born if born is not None else DinerProfile.birth_date.is_(None),
        DinerProfile.erased_at.is_(None),
    )
    return bool(db.session.scalar(stmt))


def _referrer_contact(value: str) -> str:
    """A referrer's e-mail address as given, or their phone number in its one written form."""
    value = _tidy(value)
    return value if "@" in value else normalise_phone(value)


def check_referral(referral: Referral, problems: dict[str, str]) -> None:
    """Add the problems of the referral, contact and consent fields to `problems`."""
    for name in (
        "referrer_name",
        "referrer_organisation",
        "referrer_contact",
        "emergency_contact_name",
    ):
        if problem := text_problem(getattr(referral, name)):
            problems[name] = problem
    if referral.emergency_contact_name and (
        problem := name_problem(referral.emergency_contact_name)
    ):
        problems["emergency_contact_name"] = problem
    if problem := phone_problem(referral.emergency_contact_phone):
        problems["emergency_contact_phone"] = problem
    # Half an emergency contact cannot be used in an emergency: both, or neither.
    if referral.emergency_contact_name and not referral.emergency_contact_phone:
        problems.setdefault(
            "emergency_contact_phone", "Enter the emergency contact's phone, or leave both empty."
        )
    if referral.emergency_contact_phone and not referral.emergency_contact_name:
        problems.setdefault(
            "emergency_contact_name", "Enter the emergency contact's name, or leave both empty."
        )
    contact = _tidy(referral.referrer_contact)
    if contact and "@" not in contact and (problem := phone_problem(contact)):
        # Not an e-mail address, so it must be a phone number we can ring.
        problems["referrer_contact"] = f"Enter an e-mail address or a phone number. {problem}"
    if referral.referrer_kind is not None and not referral.referrer_name:
        problems["referrer_name"] = "Enter the name of the person who referred them."
    if referral.consent_method == ConsentMethod.REFERRER and referral.referrer_kind is None:
        problems["consent_method"] = "Consent through a referrer needs the referrer's details."
    if referral.consent_method not in (None, *COORDINATOR_CONSENT):
        problems["consent_method"] = "Choose how the diner told us they agree."


def validate(area: Area, referral: Referral) -> tuple[DinerDetails, Any]:
    """Tidy and check a referral for `area`; raises FieldError naming each bad field."""
    details = tidy_diner(referral.details)
    problems: dict[str, str] = {}
    check_diner(details, problems)
    check_referral(referral, problems)
    placement = locate(details.postcode, problems)
    if placement is not None and (placement.area is None or placement.area.id != area.id):
        problems["postcode"] = (
            f"{placement.location.postcode} is not in {area.name}: "
            "register them with the coordinators of their own area."
        )
    if (
        placement is not None
        and "postcode" not in problems
        and is_duplicate(
            details.first_name, details.last_name, placement.location.postcode, details.birth_date
        )
    ):
        problems["first_name"] = DUPLICATE.format(
            name=details.first_name,
            postcode=placement.location.postcode,
            born=details.birth_date.isoformat() if details.birth_date else "date unknown",
        )
    if problems:
        raise FieldError(errors=problems)
    return details, placement


def build_diner(
    referral: Referral, details: DinerDetails, placement: Any, coordinator: Any
) -> DinerProfile:
    """A new diner in the coordinators' care (not yet added to the session)."""
    now = utcnow()
    return DinerProfile(
        **location_fields(placement),
        address_line=details.address_line,
        registered_by_id=coordinator.id,
        consent_method=referral.consent_method,
        consent_at=now if referral.consent_method else None,
        consent_by_id=coordinator.id if referral.consent_method else None,
        waiting_since=now,
        emergency_contact_name=_tidy(referral.emergency_contact_name)[:160],
        emergency_contact_phone=normalise_phone(_tidy(referral.emergency_contact_phone))[:40],
        referrer_kind=referral.referrer_kind,
        referrer_name=_tidy(referral.referrer_name)[:160],
        referrer_organisation=_tidy(referral.referrer_organisation)[:160],
        referrer_contact=_referrer_contact(referral.referrer_contact)[:200],
        # The referral's choice wins over a form's (the import has only the referral's).
        **{**diner_fields(details), "preferred_contact": referral.preferred_contact},
    )


def register_diner(
    area: Area, referral: Referral, coordinator: Any, client_address: str | None = None
) -> DinerProfile:
    """Register a diner without an account; without consent they wait but are never matched."""
    if not can_see_area(coordinator, area.id):
        raise PermissionError("not this coordinator's area")
    details, placement = validate(area, referral)
    diner = build_diner(referral, details, placement, coordinator)
    db.session.add(diner)
    db.session.flush()
    audit.record(
        "diner_registered",
        diner,
        actor=coordinator,
        client_address=client_address,
        consent=bool(diner.consent_at),
    )
    db.session.commit()
    return diner


def record_consent(
    diner: DinerProfile,
    method: ConsentMethod,
    coordinator: Any,
    client_address: str | None = None,
) -> DinerProfile:
    """Record how a registered diner agreed; from now on the matcher may pair them."""
    if method not in COORDINATOR_CONSENT:
        raise FieldError("consent_method", "Choose how the diner told us they agree.")
    if method == ConsentMethod.REFERRER and diner.referrer_kind is None:
        raise FieldError(
            "consent_method", "Consent through a referrer needs the referrer's details."
        )
    diner.consent_method = method
    diner.consent_at = clock.now()
    diner.consent_by_id = coordinator.id
    diner.waiting_since = diner.consent_at
    audit.record("diner_consent_recorded", diner, actor=coordinator, client_address=client_address)
    db.session.commit()
    return diner


def diner_in(area: Area, diner_id: int) -> DinerProfile | None:
    """A diner of this area who is not erased, or None (never one of another area)."""
    diner = db.session.get(DinerProfile, diner_id)
    if diner is None or diner.area_id != area.id or diner.erased_at is not None:
        return None
    return diner


@dataclass
class CookInPerson:
    """A cook met in person: the coordinator types their details; they choose a password later."""

    first_name: str
    last_name: str
    email: str
    phone: str
    postcode: str
    address_line: str


def register_cook(
    area: Area, met: CookInPerson, coordinator: Any, client_address: str | None = None
) -> CookProfile:
    """Create a cook's account without a password; a link to choose one goes to their e-mail."""
    if not can_see_area(coordinator, area.id):
        raise PermissionError("not this coordinator's area")
    first, last = _tidy(met.first_name), _tidy(met.last_name)
    email, phone, address = normalise_email(met.email), _tidy(met.phone), _tidy(met.address_line)
    problems: dict[str, str] = {}
    for name, value in (("first_name", first), ("last_name", last)):
        if (value or name == "first_name") and (problem := name_problem(value)):
            problems[name] = problem
    if "@" not in email:
        problems["email"] = "Enter an e-mail address like name@example.com."
    elif email_taken(email):
        problems["email"] = "Another account already uses that e-mail address."
    if problem := phone_problem(phone):
        problems["phone"] = problem
    if not address:
        problems["address_line"] = "Enter the first line of the address."
    elif problem := text_problem(address):
        problems["address_line"] = problem
    placement = locate(met.postcode, problems)
    if placement is not None and (placement.area is None or placement.area.id != area.id):
        problems["postcode"] = f"{placement.location.postcode} is not in {area.name}."
    if problems:
        raise FieldError(errors=problems)
    user = User(
        role=Role.COOK,
        email=email,
        first_name=first,
        last_name=last,
        phone=normalise_phone(phone) or None,
        password_hash=hash_password(secrets.token_urlsafe(32)),
    )
    cook = CookProfile(user=user, address_line=address[:200], **location_fields(placement))
    db.session.add(cook)
    db.session.flush()
    audit.record("cook_registered", cook, actor=coordinator, client_address=client_address)
    db.session.commit()
    # The same link as "forgot my password": the cook chooses their own password with it.
    request_password_reset(email)
    return cook
