"""Erasure: remove a person's words and identifiers from every table that can hold them.

Erasure anonymises rather than deletes: the rows of pairings and meal shares stay (with no
names, contact details, notes or exact places) so that area figures do not change. What
others wrote about the person goes too: pause reasons, meal dishes and allergen notes,
feedback, decline and end notes, and the e-mail that named them. The audit trail keeps
record numbers only, so it needs no more than the person's client addresses removed.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from sqlalchemy import delete, or_, select, update

from casserole.extensions import db
from casserole.geocoding import district_centroids
from casserole.models import (
    AuditEvent,
    CookProfile,
    DinerProfile,
    EmailStatus,
    EndReason,
    Feedback,
    MealDayReport,
    MealShare,
    OutboundEmail,
    Pairing,
    PairingPause,
    PairingStatus,
    Role,
    User,
    VettingCheck,
    WaitingListEntry,
    WelfareCheck,
    utcnow,
)
from casserole.models.vocab import LIVE_STATUSES, OPEN_PROPOSAL_STATUSES
from casserole.services import audit, mail
from casserole.services.accounts import hash_password
from casserole.services.casework import care, case_log

ERASED_NAME = "Erased"


def clear_pairing_texts(pairing_ids: Collection[int]) -> None:
    """Clear every note anyone wrote on these pairings: reasons, dishes, allergens, feedback,
    meal-day reports and welfare outcomes."""
    if not pairing_ids:
        return
    ids = list(pairing_ids)
    db.session.execute(
        update(Pairing)
        .where(Pairing.id.in_(ids))
        .values(end_note="", override_reason="", decline_reason="")
    )
    db.session.execute(
        update(PairingPause).where(PairingPause.pairing_id.in_(ids)).values(reason="")
    )
    db.session.execute(
        update(MealShare).where(MealShare.pairing_id.in_(ids)).values(dish="", allergen_note="")
    )
    db.session.execute(
        update(Feedback).where(Feedback.pairing_id.in_(ids)).values(comment="", resolution_note="")
    )
    # A cook's meal-day reports and the outcomes of welfare checks are words about the diner.
    db.session.execute(
        update(MealDayReport).where(MealDayReport.pairing_id.in_(ids)).values(note="")
    )
    db.session.execute(
        update(WelfareCheck).where(WelfareCheck.pairing_id.in_(ids)).values(outcome_note="")
    )
    case_log.erase_for_pairings(ids)


# Every column of a message that can hold a person's words, address or number.
BLANK_MESSAGE = {
    "to_address": "",
    "to_phone": "",
    "postal_address": "",
    "subject": "",
    "text_body": "",
    "html_body": "",
    "last_error": "",
    "outcome": "",
}


def clear_messages(
    addresses: Iterable[str],
    pairing_ids: Collection[int],
    person_id: int | None = None,
    diner_id: int | None = None,
    phones: Iterable[str] = (),
) -> None:
    """Withdraw unsent messages to or about a person and blank the rest (kind and dates stay).

    A message is theirs when it is marked as to or about their account (or their diner
    record), went to one of their addresses or numbers, concerns one of their pairings, or
    names one of their addresses. Calls not yet made and letters not yet printed go too, and
    so do the development outbox's copies (files) of all of them.
    """
    addresses = [a for a in addresses if a]
    phones = [p for p in phones if p]
    conditions = [OutboundEmail.to_address.in_(addresses)] if addresses else []
    conditions += [OutboundEmail.text_body.contains(a, autoescape=True) for a in addresses]
    if phones:
        conditions.append(OutboundEmail.to_phone.in_(phones))
    if person_id is not None:
        conditions.append(OutboundEmail.person_id == person_id)
    if diner_id is not None:
        conditions.append(OutboundEmail.diner_id == diner_id)
    if pairing_ids:
        conditions.append(OutboundEmail.pairing_id.in_(list(pairing_ids)))
    if not conditions:
        return
    theirs = or_(*conditions)
    if mail.keeps_copies():
        ids = list(db.session.scalars(select(OutboundEmail.id).where(theirs)))
        mail.forget_copies(ids, addresses, phones)
    db.session.execute(
        delete(OutboundEmail).where(theirs, OutboundEmail.status == EmailStatus.PENDING)
    )
    db.session.execute(update(OutboundEmail).where(theirs).values(**BLANK_MESSAGE))


def _forget_client_addresses(user_id: int) -> None:
    """Drop the client addresses kept on the person's own audit events (the rest stays)."""
    rows = db.session.execute(
        select(AuditEvent.id, AuditEvent.detail).where(AuditEvent.actor_id == user_id)
    ).all()
    for event_id, detail in rows:
        if detail and "ip" in detail:
            kept = {k: v for k, v in detail.items() if k != "ip"}
            # A Core update: the ORM refuses edits to the append-only trail, and this is the
            # one change erasure must make to it.
            db.session.execute(
                update(AuditEvent).where(AuditEvent.id == event_id).values(detail=kept)
            )


def _end_live(pairings_filter: Any, reason: EndReason) -> None:
    now = utcnow()
    db.session.execute(
        update(Pairing)
        .where(pairings_filter, Pairing.status.in_(LIVE_STATUSES))
        .values(status=PairingStatus.ENDED, ended_at=now, end_reason=reason)
    )
    db.session.execute(
        update(Pairing)
        .where(pairings_filter, Pairing.status.in_(OPEN_PROPOSAL_STATUSES))
        .values(status=PairingStatus.DECLINED, declined_at=now)
    )
    db.session.execute(
        update(PairingPause)
        .where(PairingPause.ended_at.is_(None))
        .where(PairingPause.pairing_id.in_(select(Pairing.id).where(pairings_filter)))
        .values(ended_at=now)
    )


def _pairing_ids(pairings_filter: Any) -> list[int]:
    return list(db.session.scalars(select(Pairing.id).where(pairings_filter)))


def _anonymise_account(user: User) -> None:
    email = user.email
    db.session.execute(delete(WaitingListEntry).where(WaitingListEntry.email == email))
    db.session.execute(update(Feedback).where(Feedback.author_id == user.id).values(comment=""))
    db.session.execute(
        update(Pairing).where(Pairing.declined_by_id == user.id).values(decline_reason="")
    )
    clear_messages([email], (), user.id, phones=[user.phone or ""])
    _forget_client_addresses(user.id)
    user.email = f"erased-{user.id}-{secrets.token_hex(4)}@erased.invalid"
    user.first_name, user.last_name, user.phone = ERASED_NAME, "", None
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.is_active_account = False
    user.session_version += 1
    user.erased_at = utcnow()


def _anonymise_diner(diner: DinerProfile) -> None:
    """Keep district, area and a birth year (for the over-80 share); drop the rest."""
    ids = _pairing_ids(Pairing.diner_id == diner.id)
    _end_live(Pairing.diner_id == diner.id, EndReason.OTHER)
    clear_pairing_texts(ids)
    clear_messages(
        [], ids, diner_id=diner.id, phones=[diner.phone or "", diner.emergency_contact_phone]
    )
    lat, lon = district_centroids().get(diner.outcode, (diner.latitude, diner.longitude))
    diner.first_name, diner.last_name, diner.phone = ERASED_NAME, "", None
    diner.address_line, diner.postcode = "", diner.outcode
    diner.latitude, diner.longitude = lat, lon
    if diner.birth_date is not None:
        diner.birth_date = date(diner.birth_date.year, 7, 1)
    diner.allergies = diner.likes = diner.dislikes = diner.access_notes = ""
    diner.contact_preference = diner.carer_relationship = ""
    diner.emergency_contact_name = diner.emergency_contact_phone = ""
    diner.referrer_name = diner.referrer_organisation = diner.referrer_contact = ""
    case_log.erase_for_diner(diner.id)
    diner.needs_mask = diner.allergen_mask = 0
    diner.consent_at = None  # no consent, no matching
    diner.erased_at = utcnow()


def _anonymise_cook(cook: CookProfile) -> None:
    """Keep district, area and capacity for figures; drop words, place and check references."""
    ids = _pairing_ids(Pairing.cook_id == cook.id)
    _end_live(Pairing.cook_id == cook.id, EndReason.COOK_UNAVAILABLE)
    clear_pairing_texts(ids)
    clear_messages([], ids)
    lat, lon = district_centroids().get(cook.outcode, (cook.latitude, cook.longitude))
    cook.address_line, cook.postcode = "", cook.outcode
    cook.latitude, cook.longitude = lat, lon
    cook.introduction, cook.availability_note, cook.paused = "", "", True
    db.session.execute(
        update(VettingCheck).where(VettingCheck.cook_id == cook.id).values(reference="")
    )


def erase_diner(diner: DinerProfile, actor: User, client_address: str | None = None) -> None:
    """Erase a diner's personal data (asked by them or their carer); figures stay the same."""
    db.session.flush()
    _anonymise_diner(diner)
    if diner.user is not None:
        _anonymise_account(diner.user)
    audit.record("diner_erased", diner, actor=actor, client_address=client_address)
    db.session.commit()


def erase_user(user: User, client_address: str | None = None) -> None:
    """Erase an account holder's own data: their account, and their cook or diner profile."""
    db.session.flush()
    if user.cook_profile is not None:
        _anonymise_cook(user.cook_profile)
    own = db.session.scalar(select(DinerProfile).where(DinerProfile.user_id == user.id))
    if own is not None:
        _anonymise_diner(own)
    if user.role == Role.CARER:
        care.release_diners_of(user)
    case_log.erase_for_user(user)
    _anonymise_account(user)
    # Recorded after the account is anonymised, so this event keeps no client address either.
    audit.record("account_erased", user, actor=user, client_address=None)
    db.session.commit()


__all__ = [
    "BLANK_MESSAGE",
    "ERASED_NAME",
    "clear_messages",
    "clear_pairing_texts",
    "erase_diner",
    "erase_user",
]
