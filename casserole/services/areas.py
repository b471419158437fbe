"""Areas: opening a postcode district, and telling the people waiting for it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from casserole.extensions import db
from casserole.geocoding import district_centroids, is_outcode
from casserole.links import link_to
from casserole.models import Area, AreaDistrict, WaitingListEntry
from casserole.services import audit, mail


class AreaError(ValueError):
    """A district that cannot be opened, with the reason."""


@dataclass(frozen=True)
class Opened:
    """What opening a district did."""

    area: Area
    outcode: str
    notified: int


def open_district(slug: str, outcode: str) -> Opened:
    """Add a district to an area and e-mail everyone on its waiting list (then forget them)."""
    outcode = outcode.strip().upper().replace(" ", "")
    area = db.session.scalar(select(Area).where(Area.slug == slug))
    if area is None:
        raise AreaError(f"there is no area called {slug!r}")
    if not is_outcode(outcode) or outcode not in district_centroids():
        raise AreaError(f"{outcode!r} is not a UK postcode district we know")
    owner = db.session.get(AreaDistrict, outcode)
    if owner is not None:
        raise AreaError(f"{outcode} already belongs to {owner.area.name}")
    db.session.add(AreaDistrict(outcode=outcode, area=area))
    waiting = list(
        db.session.scalars(select(WaitingListEntry).where(WaitingListEntry.outcode == outcode))
    )
    for entry in waiting:
        mail.queue_email(
            entry.email,
            f"Casserole has started in {outcode}",
            "district_opened",
            kind="district_opened",
            area_id=area.id,
            name=entry.name,
            outcode=outcode,
            area=area,
            join_url=link_to("signup.start"),
        )
    # The list existed only to send this message: keep no more than we need.
    db.session.execute(delete(WaitingListEntry).where(WaitingListEntry.outcode == outcode))
    audit.record("district_opened", area, outcode=outcode, notified=len(waiting))
    db.session.commit()
    mail.dispatch()
    return Opened(area, outcode, len(waiting))
