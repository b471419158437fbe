"""Sign-up: new cooks, diners and carers, the diners a carer adds, and the district waiting list.

Everything is checked before anything is written (one commit per sign-up), so a form with a
problem leaves no half-made account behind. A postcode outside every live area creates no
account at all: the person joins the waiting list for their district instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from casserole.errors import PostcodeError
from casserole.extensions import db
from casserole.geocoding import normalise_postcode
from casserole.models import (
    Area,
    ConsentMethod,
    CookProfile,
    DinerProfile,
    Role,
    User,
    WaitingListEntry,
    utcnow,
)
from casserole.models.vocab import days_to_mask, tags_to_mask
from casserole.services import places
from casserole.services.accounts import (
    FieldError,
    email_taken,
    hash_password,
    name_problem,
    normalise_email,
    password_problem,
    phone_problem,
    text_problem,
    tidy_text,
)

# Allergies written in words that map onto a dietary tag become hard needs for matching.
ALLERGY_NEEDS = {
    "nut-free": ("nut", "peanut", "almond", "cashew", "hazelnut", "walnut"),
    "dairy-free": ("dairy", "milk", "lactose", "cheese", "cream"),
    "gluten-free": ("gluten", "wheat", "coeliac", "celiac"),
}


@dataclass
class Account:
    """What every new account gives: name, e-mail, password and an optional phone."""

    first_name: str
    last_name: str
    email: str
    password: str
    phone: str = ""


@dataclass
class DinerDetails:
    """A diner's profile as typed on a form (sign-up, a carer adding someone, or editing)."""

    first_name: str
    last_name: str
    postcode: str
    address_line: str
    days: set[int] = field(default_factory=set)
    needs: set[str] = field(default_factory=set)
    allergies: str = ""
    likes: str = ""
    dislikes: str = ""
    access_notes: str = ""
    contact_preference: str = ""
    phone: str = ""
    birth_date: date | None = None


@dataclass
class AlreadyRegistered:
    """The address already has an account: nothing is made, and the owner is told by e-mail.

    The view answers exactly as for a new account ("we have sent you a link"), so sign-up
    does not reveal who has an account.
    """

    email: str


@dataclass
class Waitlisted:
    """The person's district is outside every live area: they are on its waiting list."""

    entry: WaitingListEntry
    nearest: Area | None
    nearest_km: float | None


def needs_from_allergies(allergies: str) -> set[str]:
    """Dietary tags implied by an allergy note ("nuts, milk" -> nut-free, dairy-free)."""
    words = allergies.casefold()
    return {tag for tag, stems in ALLERGY_NEEDS.items() if any(s in words for s in stems)}


def check_account(account: Account, problems: dict[str, str]) -> None:
    """Add the problems of the account fields to `problems` (name, e-mail, password, phone)."""
    for name in ("first_name", "last_name"):
        value = getattr(account, name)
        if name == "last_name" and not value:
            continue
        if problem := name_problem(value):
            problems[name] = problem
    # Whether the address already has an account is never said here (see AlreadyRegistered).
    if not account.email or "@" not in account.email:
        problems["email"] = "Enter an e-mail address like name@example.com."
    if problem := password_problem(account.password, account.email):
        problems["password"] = problem
    if problem := phone_problem(account.phone):
        problems["phone"] = problem


def check_diner(details: DinerDetails, problems: dict[str, str]) -> None:
    """Add the problems of a diner's profile fields to `problems`."""
    for name in ("first_name", "last_name"):
        value = getattr(details, name)
        if name == "last_name" and not value:
            continue
        if problem := name_problem(value):
            problems[name] = problem
    for name in ("address_line", "allergies", "likes", "dislikes", "access_notes"):
        if problem := text_problem(getattr(details, name)):
            problems[name] = problem
    if problem := text_problem(details.contact_preference):
        problems["contact_preference"] = problem
    if problem := phone_problem(details.phone):
        problems["phone"] = problem
    if not details.days:
        problems["days"] = "Choose at least one day."
    if details.birth_date is not None:
        today = date.today()
        if not date(today.year - 120, 1, 1) <= details.birth_date <= today:
            problems["birth_date"] = "Enter a date of birth in the past, like 14 3 1938."


def locate(postcode: str, problems: dict[str, str]) -> places.Placement | None:
    """Geocode a postcode, adding a plain message to `problems` when it is malformed or unknown."""
    try:
        canonical = normalise_postcode(postcode)
    except PostcodeError:
        problems["postcode"] = (
            "Enter a full UK postcode, like N3 1AB." if postcode.strip() else "Enter a postcode."
        )
        return None
    try:
        return places.place(canonical)
    except PostcodeError:
        problems["postcode"] = (
            f"We could not find the postcode {canonical}. Check it and try again."
        )
        return None


def _raise_if(problems: dict[str, str]) -> None:
    if problems:
        raise FieldError(errors=problems)


def _join_waiting_list(
    name: str, email: str, role: Role, placement: places.Placement
) -> Waitlisted:
    """Put someone on their district's list (once per address and district); one commit."""
    location = placement.location
    found = places.nearest_area(location.latitude, location.longitude)
    entry = db.session.scalar(
        select(WaitingListEntry).where(
            WaitingListEntry.email == email,
            WaitingListEntry.outcode == location.outcode,
            WaitingListEntry.name == name,
        )
    )
    if entry is None:
        entry = WaitingListEntry(
            email=email,
            name=name[:160],
            role=role,
            postcode=location.postcode,
            outcode=location.outcode,
            nearest_area_id=found[0].id if found else None,
        )
        db.session.add(entry)
    db.session.commit()
    return Waitlisted(entry, found[0] if found else None, found[1] if found else None)


def _tidy_account(account: Account) -> Account:
    return Account(
        first_name=tidy_text(account.first_name),
        last_name=tidy_text(account.last_name),
        email=normalise_email(account.email),
        password=account.password,
        phone=tidy_text(account.phone),
    )


def _new_user(account: Account, role: Role) -> User:
    return User(
        email=account.email,
        role=role,
        first_name=account.first_name,
        last_name=account.last_name,
        phone=account.phone or None,
        password_hash=hash_password(account.password),
    )


def _already_registered(account: Account) -> AlreadyRegistered | None:
    """AlreadyRegistered when the address has an account, after the same hashing work."""
    if not email_taken(account.email):
        return None
    # A new account spends an argon2 hash; so does this answer, so timing says nothing.
    hash_password(account.password)
    return AlreadyRegistered(account.email)


def _commit_new_account(user: User) -> User | AlreadyRegistered:
    """Commit; a second sign-up with the same address racing this one is AlreadyRegistered."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return AlreadyRegistered(user.email)
    return user


def _located(placement: places.Placement, address_line: str) -> dict[str, object]:
    location = placement.location
    return {
        "postcode": location.postcode,
        "outcode": location.outcode,
        "latitude": location.latitude,
        "longitude": location.longitude,
        "geo_precision": location.precision,
        "address_line": address_line,
        "area": placement.area,
    }


def sign_up_cook(
    account: Account, postcode: str, address_line: str
) -> User | Waitlisted | AlreadyRegistered:
    """Create a cook's account and profile, or put them on their district's waiting list."""
    account = _tidy_account(account)
    address_line = tidy_text(address_line)
    problems: dict[str, str] = {}
    check_account(account, problems)
    if problem := text_problem(address_line):
        problems["address_line"] = problem
    placement = locate(postcode, problems)
    _raise_if(problems)
    assert placement is not None
    if placement.area is None:
        name = f"{account.first_name} {account.last_name}".strip()
        return _join_waiting_list(name, account.email, Role.COOK, placement)
    if taken := _already_registered(account):
        return taken
    user = _new_user(account, Role.COOK)
    db.session.add(CookProfile(user=user, **_located(placement, address_line)))
    return _commit_new_account(user)


def tidy_diner(details: DinerDetails) -> DinerDetails:
    """Trimmed, NFC-normalised copy of a diner's details."""
    tidy = {
        name: tidy_text(getattr(details, name))
        for name in (
            "first_name",
            "last_name",
            "address_line",
            "allergies",
            "likes",
            "dislikes",
            "access_notes",
            "contact_preference",
            "phone",
        )
    }
    return DinerDetails(
        postcode=details.postcode,
        days=set(details.days),
        needs=set(details.needs),
        birth_date=details.birth_date,
        **tidy,
    )


def diner_fields(details: DinerDetails) -> dict[str, object]:
    """The profile columns a diner's details set (allergies add their dietary needs)."""
    return {
        "first_name": details.first_name,
        "last_name": details.last_name,
        "days_mask": days_to_mask(details.days),
        "needs_mask": tags_to_mask(details.needs | needs_from_allergies(details.allergies)),
        "allergies": details.allergies,
        "likes": details.likes,
        "dislikes": details.dislikes,
        "access_notes": details.access_notes,
        "contact_preference": details.contact_preference,
        "phone": details.phone or None,
        "birth_date": details.birth_date,
    }


def sign_up_diner(
    account: Account, details: DinerDetails
) -> User | Waitlisted | AlreadyRegistered:
    """A diner signing up themselves (their consent is this sign-up), or joining a waiting list."""
    account = _tidy_account(account)
    details = tidy_diner(details)
    details.first_name, details.last_name = account.first_name, account.last_name
    details.phone = account.phone
    problems: dict[str, str] = {}
    check_account(account, problems)
    check_diner(details, problems)
    placement = locate(details.postcode, problems)
    _raise_if(problems)
    assert placement is not None
    if placement.area is None:
        name = f"{account.first_name} {account.last_name}".strip()
        return _join_waiting_list(name, account.email, Role.DINER, placement)
    if taken := _already_registered(account):
        return taken
    user = _new_user(account, Role.DINER)
    now = utcnow()
    db.session.add(
        DinerProfile(
            user=user,
            consent_method=ConsentMethod.SELF_ONLINE,
            consent_at=now,
            consent_by=user,
            waiting_since=now,
            **_located(placement, details.address_line),
            **diner_fields(details),
        )
    )
    return _commit_new_account(user)


def sign_up_carer(account: Account) -> User | AlreadyRegistered:
    """Create a carer's account; the people they look after are added next."""
    account = _tidy_account(account)
    problems: dict[str, str] = {}
    check_account(account, problems)
    _raise_if(problems)
    if taken := _already_registered(account):
        return taken
    user = _new_user(account, Role.CARER)
    db.session.add(user)
    return _commit_new_account(user)


def add_managed_diner(
    carer: User, details: DinerDetails, relationship: str, consent: ConsentMethod
) -> DinerProfile | Waitlisted:
    """A carer signs someone up, recording who confirmed their agreement, when and how."""
    details = tidy_diner(details)
    relationship = tidy_text(relationship)
    problems: dict[str, str] = {}
    check_diner(details, problems)
    if not relationship:
        problems["relationship"] = "Say how you know them, for example daughter or neighbour."
    elif problem := text_problem(relationship):
        problems["relationship"] = problem
    if consent == ConsentMethod.SELF_ONLINE:
        problems["consent_method"] = "Say how they told you they agree."
    placement = locate(details.postcode, problems)
    _raise_if(problems)
    assert placement is not None
    if placement.area is None:
        return _join_waiting_list(details.first_name, carer.email, Role.DINER, placement)
    now = utcnow()
    diner = DinerProfile(
        carer=carer,
        carer_relationship=relationship[:80],
        consent_method=consent,
        consent_at=now,
        consent_by=carer,
        waiting_since=now,
        **_located(placement, details.address_line),
        **diner_fields(details),
    )
    db.session.add(diner)
    db.session.commit()
    return diner


def waiting_result(entry_id: int, area_id: int | None, km: float | None) -> Waitlisted | None:
    """The waiting-list entry just made, for the page that explains it."""
    entry = db.session.get(WaitingListEntry, entry_id)
    if entry is None:
        return None
    return Waitlisted(entry, db.session.get(Area, area_id) if area_id else None, km)
