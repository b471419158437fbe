"""The district waiting list: people whose postcode is outside every live area, told later."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from casserole.extensions import db
from casserole.models import Area, Role, WaitingListEntry
from casserole.services import places


@dataclass
class Waitlisted:
    """The person's district is outside every live area: they are on its waiting list."""

    entry: WaitingListEntry
    nearest: Area | None
    nearest_km: float | None


def join(name: str, email: str, role: Role, placement: places.Placement) -> Waitlisted:
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


def waiting_result(entry_id: int, area_id: int | None, km: float | None) -> Waitlisted | None:
    """The waiting-list entry just made, for the page that explains it."""
    entry = db.session.get(WaitingListEntry, entry_id)
    if entry is None:
        return None
    return Waitlisted(entry, db.session.get(Area, area_id) if area_id else None, km)
