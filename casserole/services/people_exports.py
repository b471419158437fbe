"""The full export's people files: waiting diners, cooks not paired, carers and vetting.

Each is its own CSV (a coordinator works with lists of people, not only pairings), written
through the same formula-safe writer as the pairings export, and each download is audited.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import exists, select

from casserole.extensions import db
from casserole.formatting import day_list, km_to_miles
from casserole.models import Area, CookProfile, DinerProfile, Pairing, User, VettingCheck
from casserole.models.vocab import (
    LIVE_STATUSES,
    allergen_names,
    mask_to_allergens,
    mask_to_days,
    mask_to_tags,
)
from casserole.services import audit
from casserole.services.coordinator.waiting import waiting_filter
from casserole.services.exports import csv_chunks


def _waiting_diners(area: Area) -> tuple[list[str], list[list[Any]]]:
    header = [
        "diner_id", "first_name", "last_name", "phone", "postcode", "address", "birth_date",
        "days", "needs", "allergens", "allergies", "waiting_since", "preferred_contact",
        "carer_name", "carer_email", "carer_phone", "referrer_name", "referrer_organisation",
    ]  # fmt: skip
    found = db.session.execute(
        select(DinerProfile, User)
        .outerjoin(User, User.id == DinerProfile.carer_id)
        .where(*waiting_filter(area))
        .order_by(DinerProfile.waiting_priority.desc(), DinerProfile.waiting_since)
    ).all()
    rows = [
        [
            d.id,
            d.first_name,
            d.last_name,
            d.phone,
            d.postcode,
            d.address_line,
            d.birth_date,
            day_list(mask_to_days(d.days_mask)),
            ", ".join(sorted(mask_to_tags(d.needs_mask))),
            ", ".join(allergen_names(mask_to_allergens(d.allergen_mask))),
            d.allergies,
            d.waiting_since,
            d.preferred_contact,
            carer.display_name if carer else "",
            carer.email if carer else "",
            carer.phone if carer else "",
            d.referrer_name,
            d.referrer_organisation,
        ]  # fmt: skip
        for d, carer in found
    ]
    return header, rows


def _unpaired_cooks(area: Area) -> tuple[list[str], list[list[Any]]]:
    header = [
        "cook_id", "name", "email", "phone", "postcode", "days", "can_cook", "capacity",
        "max_miles", "on_break", "suspended", "signed_up",
    ]  # fmt: skip
    cooking = exists().where(Pairing.cook_id == CookProfile.id, Pairing.status.in_(LIVE_STATUSES))
    found = db.session.execute(
        select(CookProfile, User)
        .join(User, User.id == CookProfile.user_id)
        .where(CookProfile.area_id == area.id, ~cooking, User.erased_at.is_(None))
        .order_by(CookProfile.id)
    ).all()
    rows = [
        [
            c.id,
            u.display_name,
            u.email,
            u.phone,
            c.postcode,
            day_list(mask_to_days(c.days_mask)),
            ", ".join(sorted(mask_to_tags(c.can_cook_mask))),
            c.capacity,
            f"{km_to_miles(c.max_km):.1f}",
            "yes" if c.paused else "no",
            "yes" if c.suspended_at else "no",
            c.created_at,
        ]  # fmt: skip
        for c, u in found
    ]
    return header, rows


def _carers(area: Area) -> tuple[list[str], list[list[Any]]]:
    header = ["carer_id", "name", "email", "phone", "diners_in_area"]
    found = db.session.execute(
        select(User, DinerProfile.id)
        .join(DinerProfile, DinerProfile.carer_id == User.id)
        .where(DinerProfile.area_id == area.id, DinerProfile.erased_at.is_(None))
        .order_by(User.id, DinerProfile.id)
    ).all()
    by_carer: dict[int, list[Any]] = {}
    for carer, _diner_id in found:
        row = by_carer.setdefault(
            carer.id, [carer.id, carer.display_name, carer.email, carer.phone, 0]
        )
        row[4] += 1
    return header, list(by_carer.values())


def _vetting(area: Area) -> tuple[list[str], list[list[Any]]]:
    header = ["cook_id", "cook_name", "check", "checked_on", "expires_on", "reference"]
    found = db.session.execute(
        select(VettingCheck, User)
        .join(CookProfile, CookProfile.id == VettingCheck.cook_id)
        .join(User, User.id == CookProfile.user_id)
        .where(CookProfile.area_id == area.id)
        .order_by(VettingCheck.cook_id, VettingCheck.kind, VettingCheck.checked_on)
    ).all()
    rows = [
        [c.cook_id, u.display_name, c.kind, c.checked_on, c.expires_on, c.reference]
        for c, u in found
    ]
    return header, rows


# The people files a coordinator can download, by the name in the URL.
PEOPLE_FILES: dict[str, tuple[str, Callable[[Area], tuple[list[str], list[list[Any]]]]]] = {
    "diners-waiting": ("Diners waiting for a cook", _waiting_diners),
    "cooks-not-paired": ("Cooks not cooking for anyone", _unpaired_cooks),
    "carers": ("Carers of the area's diners", _carers),
    "vetting": ("Every vetting check", _vetting),
}


def people_csv(
    area: Area, kind: str, actor: User, client_address: str | None = None
) -> Iterator[str] | None:
    """One people file of the area as CSV chunks (audited); None for an unknown kind."""
    if kind not in PEOPLE_FILES:
        return None
    header, rows = PEOPLE_FILES[kind][1](area)
    audit.record(
        "export.people",
        area,
        area_id=area.id,
        actor=actor,
        client_address=client_address,
        file=kind.replace("-", "_"),
        rows=len(rows),
    )
    db.session.commit()
    return csv_chunks(header, rows)
