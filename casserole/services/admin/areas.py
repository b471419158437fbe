"""Creating and editing areas: name, postcode districts, meal cost, the contact users see."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from casserole.extensions import db
from casserole.geocoding import district_centroids, is_outcode
from casserole.models import Area, AreaDistrict
from casserole.services import audit
from casserole.services.accounts import FieldError, phone_problem
from casserole.services.areas import open_district
from casserole.services.input_rules import normalise_phone


@dataclass(frozen=True)
class AreaDetails:
    """What an admin types about an area (already stripped by the form)."""

    name: str
    districts: str  # "N3, N12 N20": commas or spaces
    meal_cost_pence: int
    contact_email: str
    contact_phone: str


def slug_for(name: str) -> str:
    """A URL name: "Reigate and Banstead" -> "reigate-and-banstead"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]


def _outcodes(text: str) -> list[str]:
    return sorted({o.upper() for o in re.split(r"[\s,;]+", text or "") if o})


def _problems(details: AreaDetails, area: Area | None) -> tuple[dict[str, str], list[str]]:
    """Every field's problem at once, and the districts that would be new (nothing written)."""
    problems: dict[str, str] = {}
    if not details.name:
        problems["name"] = "Enter the area's name."
    else:
        clash = db.session.scalar(
            select(Area).where((Area.name == details.name) | (Area.slug == slug_for(details.name)))
        )
        if clash is not None and clash is not area:
            problems["name"] = "Another area already has this name."
        elif not slug_for(details.name):
            problems["name"] = "Use at least one letter or digit in the name."
    known = district_centroids()
    new = []
    for outcode in _outcodes(details.districts):
        owner = db.session.get(AreaDistrict, outcode)
        if not is_outcode(outcode) or outcode not in known:
            problems["districts"] = f"{outcode} is not a UK postcode district we know."
        elif owner is not None and owner.area is not area:
            problems["districts"] = f"{outcode} already belongs to {owner.area.name}."
        elif owner is None:
            new.append(outcode)
    if area is None and not new and "districts" not in problems:
        problems["districts"] = "Enter at least one postcode district, like N3."
    if details.contact_email and "@" not in details.contact_email:
        problems["contact_email"] = "Enter an e-mail address, like team@council.gov.uk."
    phone = phone_problem(details.contact_phone)
    if phone:
        problems["contact_phone"] = phone
    return problems, new


def save_area(
    actor: Any,
    details: AreaDetails,
    area: Area | None = None,
    client_address: str | None = None,
) -> Area:
    """Create or edit an area; new districts are opened (their waiting list is e-mailed).

    Every field is checked before anything is written: a bad district saves nothing.
    Districts are only added here; one with people in it is not taken away.
    """
    problems, new = _problems(details, area)
    if problems:
        raise FieldError(errors=problems)
    if area is None:
        area = Area(slug=slug_for(details.name))
        db.session.add(area)
    area.name = details.name
    area.meal_cost_pence = details.meal_cost_pence
    area.contact_email = details.contact_email or None
    area.contact_phone = normalise_phone(details.contact_phone) or None
    db.session.flush()
    audit.record("area.saved", area, area_id=area.id, actor=actor, client_address=client_address)
    db.session.commit()
    for outcode in new:
        # Today's behaviour: the district's waiting list is e-mailed and forgotten.
        open_district(area.slug, outcode)
    return area


def all_areas() -> list[Area]:
    """Every area by name."""
    return list(db.session.scalars(select(Area).order_by(Area.name)))


def area(area_id: int) -> Area | None:
    """One area, or None."""
    return db.session.get(Area, area_id)
