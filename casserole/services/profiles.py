"""Profiles: a cook's cooking and breaks, their checks, a diner's details, and who sees what.

Who may see a diner: the diner and their carer, always; the diner's cook, once the
coordinator has put the pairing to them, but the address, phone and notes only while the
pairing is live. Anyone else gets NotFound (a 404), by any URL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from casserole import clock
from casserole.extensions import db
from casserole.formatting import miles_to_km
from casserole.geocoding import great_circle_km
from casserole.models import (
    CheckKind,
    CookProfile,
    DinerProfile,
    Pairing,
    PairingStatus,
    Role,
    VettingCheck,
)
from casserole.models.vocab import LIVE_STATUSES, OPEN_PROPOSAL_STATUSES, days_to_mask, tags_to_mask
from casserole.services import audit
from casserole.services.accounts import FieldError, text_problem, tidy_text
from casserole.services.signup import DinerDetails, check_diner, diner_fields, locate, tidy_diner
from casserole.services.vetting import CHECK_LABELS, EXPIRY_WARNING_DAYS

CAPACITY_RANGE = (1, 12)
MAX_MILES = 30.0
INTRODUCTION_LIMIT = 1000
LONGEST_BREAK_DAYS = 366
CHECK_TODO = {
    CheckKind.ID: "Show your coordinator a passport or photo driving licence.",
    CheckKind.DBS: "Ask your coordinator for a DBS check form (it is free for volunteers).",
    CheckKind.FOOD_HYGIENE: "Take the free Level 2 food hygiene course and send the certificate.",
}


class NotFound(LookupError):
    """A record that does not exist or is outside the person's reach: shown as a 404."""


# --- Cooks ------------------------------------------------------------------------------


@dataclass
class CookDetails:
    """A cook's profile as typed: days and times, what they cook, how many, how far, intro."""

    days: set[int]
    availability_note: str
    can_cook: set[str]
    capacity: int | None
    max_miles: float | None
    introduction: str
    postcode: str
    address_line: str
    birth_year: int | None = None


# A cook's age, for the figures' age ranges: adults, and nobody older than 100.
COOK_AGE_RANGE = (18, 100)


def birth_year_problem(year: int | None, today: date) -> str | None:
    """Why a cook's year of birth is not plausible, or None (an empty year is fine)."""
    youngest, oldest = COOK_AGE_RANGE
    low, high = today.year - oldest, today.year - youngest
    if year is not None and not low <= year <= high:
        return f"Enter a year between {low} and {high}, or leave it empty."
    return None


def update_cook(cook: CookProfile, details: CookDetails) -> CookProfile:
    """Check every field, then save the cook's profile in one commit."""
    problems: dict[str, str] = {}
    note = tidy_text(details.availability_note)
    introduction = tidy_text(details.introduction)
    address_line = tidy_text(details.address_line)
    low, high = CAPACITY_RANGE
    if details.capacity is None or not low <= details.capacity <= high:
        problems["capacity"] = f"Choose between {low} and {high} neighbours."
    if details.max_miles is None or not 0 < details.max_miles <= MAX_MILES:
        problems["max_miles"] = f"Enter a distance more than 0 and up to {MAX_MILES:g} miles."
    if len(introduction) > INTRODUCTION_LIMIT:
        problems["introduction"] = (
            f"Keep your introduction to {INTRODUCTION_LIMIT} characters "
            f"(it has {len(introduction)})."
        )
    for name, value in (
        ("availability_note", note),
        ("introduction", introduction),
        ("address_line", address_line),
    ):
        if problem := text_problem(value):
            problems[name] = problem
    if problem := birth_year_problem(details.birth_year, clock.today()):
        problems["birth_year"] = problem
    placement = _moved_to(cook, details.postcode, problems)
    if problems:
        raise FieldError(errors=problems)
    cook.birth_year = details.birth_year
    cook.days_mask = days_to_mask(details.days)
    cook.availability_note = note[:200]
    cook.can_cook_mask = tags_to_mask(details.can_cook)
    cook.capacity = int(details.capacity or 1)
    cook.max_km = round(miles_to_km(float(details.max_miles or 0)), 3)
    cook.introduction = introduction
    cook.address_line = address_line
    _apply_placement(cook, placement)
    db.session.commit()
    return cook


def _moved_to(person: Any, postcode: str, problems: dict[str, str]) -> Any:
    """The new placement when the postcode changed; a move outside every area is refused."""
    if postcode.replace(" ", "").upper() == person.postcode.replace(" ", ""):
        return None
    placement = locate(postcode, problems)
    if placement is not None and placement.area is None:
        problems["postcode"] = (
            f"We do not run in {placement.location.outcode} yet, so we cannot move you there. "
            "Please contact your coordinator."
        )
        return None
    return placement


def _apply_placement(person: Any, placement: Any) -> None:
    if placement is None:
        return
    location = placement.location
    person.postcode = location.postcode
    person.outcode = location.outcode
    person.latitude = location.latitude
    person.longitude = location.longitude
    person.geo_precision = location.precision
    person.area = placement.area


def pause_cook(cook: CookProfile, until: date | None, today: date | None = None) -> None:
    """Take a break from new introductions (a holiday), optionally until a date."""
    today = today or date.today()
    if until is not None and not today < until <= today + timedelta(days=LONGEST_BREAK_DAYS):
        raise FieldError("until", "Choose a date after today and within a year.")
    cook.paused = True
    cook.paused_until = until
    db.session.commit()


def resume_cook(cook: CookProfile) -> None:
    """Come back from a break: the cook can be introduced to neighbours again."""
    cook.paused = False
    cook.paused_until = None
    db.session.commit()


@dataclass(frozen=True)
class CheckRow:
    """Where one kind of check stands for a cook, with what to do next."""

    kind: CheckKind
    label: str
    check: VettingCheck | None
    state: str  # "missing", "expired", "expiring", "valid"
    todo: str


@dataclass
class VettingStatus:
    """A cook's checks and whether they can be introduced to anyone yet."""

    rows: list[CheckRow]
    paused: bool
    vetted: bool

    @property
    def todo(self) -> list[str]:
        """What the cook still needs to do, in order."""
        return [row.todo for row in self.rows if row.todo]


def vetting_status(cook: CookProfile, today: date | None = None) -> VettingStatus:
    """For each kind of check: the current one, else the most recent expired one."""
    today = today or date.today()
    rows = []
    for kind in CheckKind:
        checks = [c for c in cook.checks if c.kind == kind and c.checked_on <= today]
        valid = [c for c in checks if c.is_valid_on(today)]
        pool = valid or checks
        check = max(pool, key=lambda c: (c.expires_on or date.max, c.checked_on), default=None)
        if check is None:
            state, todo = "missing", CHECK_TODO[kind]
        elif not valid:
            state, todo = "expired", f"Your {CHECK_LABELS[kind]} has expired: please renew it."
        elif check.expires_on and check.expires_on <= today + timedelta(days=EXPIRY_WARNING_DAYS):
            state, todo = "expiring", f"Your {CHECK_LABELS[kind]} expires soon: please renew it."
        else:
            state, todo = "valid", ""
        rows.append(CheckRow(kind, CHECK_LABELS[kind], check, state, todo))
    return VettingStatus(rows=rows, paused=cook.paused, vetted=cook.is_vetted(today))


# --- Diners, and which diner a carer is looking at -------------------------------------------


def diners_of(user: Any) -> list[DinerProfile]:
    """The diners a person speaks for: themselves (a diner) or those they look after (a carer)."""
    if user.role == Role.DINER:
        condition = DinerProfile.user_id == user.id
    elif user.role == Role.CARER:
        condition = DinerProfile.carer_id == user.id
    else:
        return []
    return list(
        db.session.scalars(
            select(DinerProfile)
            .where(condition, DinerProfile.erased_at.is_(None))
            .order_by(DinerProfile.id)
        )
    )


def own_diner(user: Any, diner_id: int) -> DinerProfile:
    """A diner the person speaks for; NotFound for anyone else's."""
    for diner in diners_of(user):
        if diner.id == diner_id:
            return diner
    raise NotFound("We could not find that person.")


def selected_diner(user: Any, chosen_id: Any) -> DinerProfile | None:
    """The diner a carer has chosen (checked against their list every time), else their first."""
    diners = diners_of(user)
    for diner in diners:
        if diner.id == chosen_id:
            return diner
    return diners[0] if diners else None


def update_diner(diner: DinerProfile, details: DinerDetails) -> DinerProfile:
    """Check every field, then save a diner's details in one commit."""
    problems: dict[str, str] = {}
    tidy = tidy_diner(details)
    check_diner(tidy, problems)
    placement = _moved_to(diner, tidy.postcode, problems)
    if problems:
        raise FieldError(errors=problems)
    for name, value in diner_fields(tidy).items():
        setattr(diner, name, value)
    diner.address_line = tidy.address_line
    _apply_placement(diner, placement)
    db.session.commit()
    return diner


# --- What each side of a pairing may see of the other ---------------------------------------


@dataclass
class NeighbourView:
    """A diner as their cook sees them: contact details only while the pairing is live."""

    pairing: Pairing
    first_name: str
    distance_km: float
    days: frozenset[int]
    needs: frozenset[str]
    allergies: str
    live: bool
    contact: dict[str, str] = field(default_factory=dict)


def _cook_can_see(pairing: Pairing) -> bool:
    """A cook sees a pairing once the coordinator has put it to them, until it ends."""
    visible = (*OPEN_PROPOSAL_STATUSES, *LIVE_STATUSES)
    return pairing.approved_at is not None and pairing.status in visible


def neighbour_for_cook(user: Any, diner_id: int) -> NeighbourView:
    """A diner as the cook may see them; NotFound unless the cook has a visible pairing."""
    cook = user.cook_profile if user.role == Role.COOK else None
    if cook is None:
        raise NotFound("We could not find that person.")
    pairings = db.session.scalars(
        select(Pairing)
        .where(Pairing.cook_id == cook.id, Pairing.diner_id == diner_id)
        .order_by(Pairing.id.desc())
    )
    pairing = next((p for p in pairings if _cook_can_see(p)), None)
    if pairing is None or pairing.diner.erased_at is not None:
        raise NotFound("We could not find that person.")
    diner = pairing.diner
    live = pairing.status in LIVE_STATUSES
    # The cook sees needs and allergies (and, once live, the address): audited like the
    # pairing page.
    audit.record(
        "diner_details_viewed",
        diner,
        area_id=pairing.area_id,
        actor=user,
        pairing_id=pairing.id,
        address=live,
    )
    db.session.commit()
    contact = {}
    if live:
        contact = {
            "name": diner.display_name,
            "address": f"{diner.address_line}, {diner.postcode}".strip(", "),
            "phone": diner.phone or "",
            "access_notes": diner.access_notes,
            "likes": diner.likes,
            "dislikes": diner.dislikes,
            "contact_preference": diner.contact_preference,
            "carer": diner.carer.display_name if diner.carer else "",
            "carer_phone": (diner.carer.phone or "") if diner.carer else "",
        }
    return NeighbourView(
        pairing=pairing,
        first_name=diner.first_name,
        distance_km=pairing.distance_km
        if pairing.distance_km is not None
        else great_circle_km(cook.latitude, cook.longitude, diner.latitude, diner.longitude),
        days=diner.days,
        needs=diner.needs,
        allergies=diner.allergies,
        live=live,
        contact=contact,
    )


@dataclass
class CookView:
    """A cook as the diner's side sees them: first name and introduction, phone once live."""

    first_name: str
    introduction: str
    can_cook: frozenset[str]
    live: bool
    phone: str = ""


def cook_for_diner_side(user: Any, cook_id: int) -> CookView:
    """A cook put to one of the person's diners; NotFound unless the cook has said yes."""
    ids = [d.id for d in diners_of(user)]
    pairing = None
    if ids:
        pairing = db.session.scalar(
            select(Pairing)
            .where(
                Pairing.cook_id == cook_id,
                Pairing.diner_id.in_(ids),
                Pairing.cook_accepted_at.is_not(None),
                Pairing.status.in_(
                    [PairingStatus.COOK_ACCEPTED, *LIVE_STATUSES]
                ),
            )
            .order_by(Pairing.id.desc())
            .limit(1)
        )
    if pairing is None:
        raise NotFound("We could not find that cook.")
    cook = pairing.cook
    live = pairing.status in LIVE_STATUSES
    return CookView(
        first_name=cook.user.first_name,
        introduction=cook.introduction,
        can_cook=cook.can_cook,
        live=live,
        phone=(cook.user.phone or "") if live else "",
    )
