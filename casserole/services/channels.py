"""How each person is reached: their preferred channel, and the address that channel needs.

The one owner of "which channel for whom". `notifications` and anyone queuing a message to
a person call `reach_for`; it falls back when the chosen way lacks what it needs (no phone
for a text, no address for a letter), so a message is never queued to nowhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select

from casserole.extensions import db
from casserole.models import ContactWay, DinerProfile, Role, User
from casserole.services.input_rules import is_mobile

# Notify takes at most 7 address lines, the postcode last; 3 at least.
MAX_ADDRESS_LINES = 7


@dataclass(frozen=True)
class Reach:
    """Where one message goes: its channel and the one address that channel uses."""

    channel: ContactWay
    name: str
    to_address: str = ""
    to_phone: str = ""
    postal_address: str = ""
    person_id: int | None = None
    diner_id: int | None = None


def contact_way_problem(way: ContactWay | None, phone: str, has_address: bool) -> str | None:
    """Why a chosen way of contact cannot work with these details, or None."""
    if way == ContactWay.SMS and not is_mobile(phone):
        return gettext(
            "To get text messages, enter a mobile number (starting 07) as the phone number."
        )
    if way == ContactWay.PHONE and not phone:
        return gettext("To be rung by the coordinator, enter a phone number.")
    if way == ContactWay.LETTER and not has_address:
        return gettext("To get letters, we need an address: choose another way.")
    return None


def notify_enabled() -> bool:
    """True when GOV.UK Notify is configured (an API key)."""
    return bool(current_app.config.get("NOTIFY_API_KEY"))


def sms_available() -> bool:
    """Texts go through Notify, or into the development outbox when there is no relay."""
    config = current_app.config
    return notify_enabled() or not config.get("MAIL_SERVER")


def address_lines(name: str, address_line: str, postcode: str) -> list[str]:
    """Letter lines for a window envelope: name, the address split at commas, postcode last."""
    parts = [p.strip() for p in re.split(r"[,\n]", address_line or "") if p.strip()]
    middle = parts[: MAX_ADDRESS_LINES - 2]
    return [line for line in (name.strip(), *middle, (postcode or "").strip()) if line]


def diner_of(user: User) -> DinerProfile | None:
    """The diner profile of a diner's own account, if any."""
    return db.session.scalar(select(DinerProfile).where(DinerProfile.user_id == user.id))


def preferred_way(user: User) -> ContactWay:
    """The way a person with an account chose; a diner's lives on their diner profile."""
    diner = diner_of(user) if user.role == Role.DINER else None
    way = diner.preferred_contact if diner is not None else user.preferred_contact
    return way or ContactWay.EMAIL


def _postal_for_user(user: User) -> str:
    diner = diner_of(user) if user.role == Role.DINER else None
    located = diner if diner is not None else user.cook_profile
    if located is None:
        return ""
    return "\n".join(address_lines(user.display_name, located.address_line, located.postcode))


def _fallback(reach: Reach, user: User | None) -> Reach:
    """A way that works: the chosen one if it has its address, else e-mail, else a call."""
    channel = reach.channel
    if channel == ContactWay.SMS and reach.to_phone and not sms_available():
        channel = ContactWay.PHONE  # nobody sends texts here: the coordinator rings instead
    usable = {
        ContactWay.EMAIL: bool(reach.to_address),
        ContactWay.SMS: bool(reach.to_phone),
        ContactWay.PHONE: bool(reach.to_phone),
        ContactWay.LETTER: len(reach.postal_address.splitlines()) >= 2,
    }
    if usable[channel]:
        return _with(reach, channel)
    for other in (ContactWay.EMAIL, ContactWay.PHONE, ContactWay.LETTER):
        if usable[other]:
            return _with(reach, other)
    return _with(reach, ContactWay.EMAIL)


def _with(reach: Reach, channel: ContactWay) -> Reach:
    return Reach(
        channel=channel,
        name=reach.name,
        to_address=reach.to_address if channel == ContactWay.EMAIL else "",
        to_phone=reach.to_phone if channel in (ContactWay.SMS, ContactWay.PHONE) else "",
        postal_address=reach.postal_address if channel == ContactWay.LETTER else "",
        person_id=reach.person_id,
        diner_id=reach.diner_id,
    )


def reach_for_user(user: User) -> Reach:
    """How to reach a person with an account, by the way they chose."""
    diner = diner_of(user) if user.role == Role.DINER else None
    phone = (diner.phone if diner is not None and diner.phone else user.phone) or ""
    wanted = preferred_way(user)
    reach = Reach(
        channel=wanted,
        name=user.first_name,
        to_address=user.email or "",
        to_phone=phone,
        postal_address=_postal_for_user(user) if wanted == ContactWay.LETTER else "",
        person_id=user.id,
        diner_id=diner.id if diner is not None else None,
    )
    return _fallback(reach, user)


def reach_for_diner(diner: DinerProfile) -> Reach | None:
    """How to reach a diner without an account (letter, text or a call), or None by e-mail.

    Such a diner has no e-mail address with us: "e-mail" or no choice means their carer
    (if any) hears for them, so they get nothing of their own.
    """
    wanted = diner.preferred_contact
    if wanted is None or wanted == ContactWay.EMAIL or diner.erased_at is not None:
        return None
    reach = Reach(
        channel=wanted,
        name=diner.first_name,
        to_phone=diner.phone or "",
        postal_address="\n".join(
            address_lines(diner.display_name, diner.address_line, diner.postcode)
        ),
        diner_id=diner.id,
    )
    return _fallback(reach, None)


def reach_for(recipient: User | DinerProfile | str) -> Reach | None:
    """How to reach a person, a diner without an account, or a bare e-mail address.

    A bare address that belongs to an active account is routed by that person's choice,
    so callers that only know an e-mail address still reach people the way they asked.
    """
    if isinstance(recipient, DinerProfile):
        if recipient.user is not None and recipient.user.is_active_account:
            return reach_for_user(recipient.user)
        return reach_for_diner(recipient)
    if isinstance(recipient, User):
        return reach_for_user(recipient)
    user = db.session.scalar(
        select(User).where(
            func.lower(User.email) == recipient.strip().lower(), User.is_active_account.is_(True)
        )
    )
    if user is not None:
        return reach_for_user(user)
    return Reach(channel=ContactWay.EMAIL, name="", to_address=recipient)
