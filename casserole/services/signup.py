"""Sign-up: new cooks, diners and carers, and the diners a carer adds.

Everything is checked before anything is written (one commit per sign-up), so a form with a
problem leaves no half-made account behind. A postcode outside every live area creates no
account at all: the person joins the waiting list for their district instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy.exc import IntegrityError

from casserole.extensions import db
from casserole.i18n import current_language
from casserole.models import (
    ConsentMethod,
    ContactWay,
    CookProfile,
    DinerProfile,
    Role,
    User,
    utcnow,
)
from casserole.services import places, waiting_list
from casserole.services.accounts import (
    FieldError,
    email_taken,
    hash_password,
    normalise_email,
    normalise_phone,
    password_problem,
    phone_problem,
    text_problem,
    tidy_text,
)
from casserole.services.channels import contact_way_problem
from casserole.services.diner_details import (
    DinerDetails,
    check_diner,
    check_names,
    diner_fields,
    tidy_diner,
)
from casserole.services.waiting_list import Waitlisted


@dataclass
class AlreadyRegistered:
    """The address already has an account: nothing is made, and the owner is told by e-mail.

    The view answers exactly as for a new account ("we have sent you a link"), so sign-up
    does not reveal who has an account.
    """

    email: str


@dataclass
class Account:
    """What every new account gives: name, e-mail, password and an optional phone."""

    first_name: str
    last_name: str
    email: str
    password: str
    phone: str = ""
    preferred_contact: ContactWay | None = None


def check_account(account: Account, problems: dict[str, str]) -> None:
    """Add the problems of the account fields to `problems` (name, e-mail, password, phone)."""
    check_names(account, problems)
    # Whether the address already has an account is never said here (see AlreadyRegistered).
    if not account.email or "@" not in account.email:
        problems["email"] = gettext("Enter an e-mail address like name@example.com.")
    if problem := password_problem(account.password, account.email):
        problems["password"] = problem
    if problem := phone_problem(account.phone):
        problems["phone"] = problem


def _check_way(account: Account, problems: dict[str, str], has_address: bool) -> None:
    """The chosen way of contact must work with the details given (a mobile for texts)."""
    if "phone" not in problems and (
        problem := contact_way_problem(account.preferred_contact, account.phone, has_address)
    ):
        problems["preferred_contact"] = problem


def _raise_if(problems: dict[str, str]) -> None:
    if problems:
        raise FieldError(errors=problems)


def _tidy_account(account: Account) -> Account:
    return Account(
        first_name=tidy_text(account.first_name),
        last_name=tidy_text(account.last_name),
        email=normalise_email(account.email),
        password=account.password,
        phone=normalise_phone(tidy_text(account.phone)),
        preferred_contact=account.preferred_contact,
    )


def _new_user(account: Account, role: Role) -> User:
    return User(
        email=account.email,
        role=role,
        first_name=account.first_name,
        last_name=account.last_name,
        phone=account.phone or None,
        # A diner's choice lives on their diner profile (channels reads it there).
        preferred_contact=None if role == Role.DINER else account.preferred_contact,
        password_hash=hash_password(account.password),
        # Whatever language they signed up in is the one their messages come in.
        locale=current_language(),
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


def _waitlist(account: Account, role: Role, placement: places.Placement) -> Waitlisted:
    name = f"{account.first_name} {account.last_name}".strip()
    return waiting_list.join(name, account.email, role, placement)


def sign_up_cook(
    account: Account, postcode: str, address_line: str
) -> User | Waitlisted | AlreadyRegistered:
    """Create a cook's account and profile, or put them on their district's waiting list."""
    account = _tidy_account(account)
    address_line = tidy_text(address_line)
    problems: dict[str, str] = {}
    check_account(account, problems)
    _check_way(account, problems, has_address=True)
    if problem := text_problem(address_line):
        problems["address_line"] = problem
    placement = places.locate(postcode, problems)
    _raise_if(problems)
    assert placement is not None
    if placement.area is None:
        return _waitlist(account, Role.COOK, placement)
    if taken := _already_registered(account):
        return taken
    user = _new_user(account, Role.COOK)
    db.session.add(
        CookProfile(user=user, address_line=address_line, **places.location_fields(placement))
    )
    return _commit_new_account(user)


def sign_up_diner(account: Account, details: DinerDetails) -> User | Waitlisted | AlreadyRegistered:
    """A diner signing up themselves (their consent is this sign-up), or joining a waiting list."""
    account = _tidy_account(account)
    details = tidy_diner(details)
    details.first_name, details.last_name = account.first_name, account.last_name
    details.phone = account.phone
    details.preferred_contact = account.preferred_contact
    problems: dict[str, str] = {}
    check_account(account, problems)
    check_diner(details, problems)
    placement = places.locate(details.postcode, problems)
    _raise_if(problems)
    assert placement is not None
    if placement.area is None:
        return _waitlist(account, Role.DINER, placement)
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
            address_line=details.address_line,
            **places.location_fields(placement),
            **diner_fields(details),
        )
    )
    return _commit_new_account(user)


def sign_up_carer(account: Account) -> User | AlreadyRegistered:
    """Create a carer's account; the people they look after are added next."""
    account = _tidy_account(account)
    problems: dict[str, str] = {}
    check_account(account, problems)
    _check_way(account, problems, has_address=False)
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
        problems["relationship"] = gettext(
            "Say how you know them, for example daughter or neighbour."
        )
    elif problem := text_problem(relationship):
        problems["relationship"] = problem
    if consent == ConsentMethod.SELF_ONLINE:
        problems["consent_method"] = gettext("Say how they told you they agree.")
    placement = places.locate(details.postcode, problems)
    _raise_if(problems)
    assert placement is not None
    if placement.area is None:
        return waiting_list.join(details.first_name, carer.email, Role.DINER, placement)
    now = utcnow()
    diner = DinerProfile(
        carer=carer,
        carer_relationship=relationship[:80],
        consent_method=consent,
        consent_at=now,
        consent_by=carer,
        waiting_since=now,
        address_line=details.address_line,
        **places.location_fields(placement),
        **diner_fields(details),
    )
    db.session.add(diner)
    db.session.commit()
    return diner
