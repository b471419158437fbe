"""The coordinator's map: points of cooks, diners and live pairings, and the same per district."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import aliased

from casserole.extensions import db
from casserole.models import Area, CookProfile, DinerProfile, Pairing, User
from casserole.models.vocab import LIVE_STATUSES
from casserole.services import audit
from casserole.services.coordinator.waiting import waiting_filter


def _name(first: str | None, last: str | None) -> str:
    return f"{first or ''} {last or ''}".strip()


def map_data(area: Area, actor: Any, client_address: str | None = None) -> dict[str, Any]:
    """Points for the coordinator's map: cooks, diners (waiting or paired) and live pairings.

    Only for coordinators of the area: diners' points are never sent to anyone else. Each
    time they are sent is recorded in the audit trail (points are close to addresses).
    Rows are compact arrays (tens of thousands of points): a cook is [lat, lon, id, name],
    a diner [lat, lon, paired 0/1, id, name], a pairing [cook lat, lon, diner lat, lon, id,
    km or null], so each point can open the person's name, role and record.
    """
    audit.record(
        "diner_locations_viewed",
        area,
        area_id=area.id,
        actor=actor,
        client_address=client_address,
    )
    db.session.commit()
    cooks = [
        [round(lat, 5), round(lon, 5), cook_id, _name(first, last)]
        for lat, lon, cook_id, first, last in db.session.execute(
            select(
                CookProfile.latitude,
                CookProfile.longitude,
                CookProfile.id,
                User.first_name,
                User.last_name,
            )
            .join(User, User.id == CookProfile.user_id)
            .where(CookProfile.area_id == area.id)
        )
    ]
    live = exists().where(
        Pairing.diner_id == DinerProfile.id, Pairing.status.in_(list(LIVE_STATUSES))
    )
    diners = [
        [round(lat, 5), round(lon, 5), 1 if paired else 0, diner_id, _name(first, last)]
        for lat, lon, paired, diner_id, first, last in db.session.execute(
            select(
                DinerProfile.latitude,
                DinerProfile.longitude,
                case((live, 1), else_=0),
                DinerProfile.id,
                DinerProfile.first_name,
                DinerProfile.last_name,
            ).where(DinerProfile.area_id == area.id)
        )
    ]
    diner = aliased(DinerProfile)
    lines = [
        [
            round(a, 5),
            round(b, 5),
            round(c, 5),
            round(d, 5),
            pairing_id,
            None if km is None else round(km, 2),
        ]
        for a, b, c, d, pairing_id, km in db.session.execute(
            select(
                CookProfile.latitude,
                CookProfile.longitude,
                diner.latitude,
                diner.longitude,
                Pairing.id,
                Pairing.distance_km,
            )
            .select_from(Pairing)
            .join(CookProfile, CookProfile.id == Pairing.cook_id)
            .join(diner, diner.id == Pairing.diner_id)
            .where(Pairing.area_id == area.id, Pairing.status.in_(list(LIVE_STATUSES)))
        )
    ]
    return {"area": area.name, "cooks": cooks, "diners": diners, "pairings": lines}


@dataclass
class DistrictRow:
    """Counts for one postcode district: the map as a list."""

    outcode: str
    cooks: int
    diners: int
    waiting: int
    pairings: int


def _per_district(stmt: Any) -> dict[str, int]:
    return dict(db.session.execute(stmt).all())


def district_list(area: Area) -> list[DistrictRow]:
    """The map without JavaScript: cooks, diners, waiting diners and live pairings per district."""
    cooks = _per_district(
        select(CookProfile.outcode, func.count())
        .where(CookProfile.area_id == area.id)
        .group_by(CookProfile.outcode)
    )
    diners = _per_district(
        select(DinerProfile.outcode, func.count())
        .where(DinerProfile.area_id == area.id)
        .group_by(DinerProfile.outcode)
    )
    waiting = _per_district(
        select(DinerProfile.outcode, func.count())
        .where(*waiting_filter(area))
        .group_by(DinerProfile.outcode)
    )
    pairs = _per_district(
        select(DinerProfile.outcode, func.count())
        .select_from(Pairing)
        .join(DinerProfile, DinerProfile.id == Pairing.diner_id)
        .where(Pairing.area_id == area.id, Pairing.status.in_(list(LIVE_STATUSES)))
        .group_by(DinerProfile.outcode)
    )
    names = sorted(set(cooks) | set(diners), key=lambda o: (o.rstrip("0123456789W"), len(o), o))
    return [
        DistrictRow(o, cooks.get(o, 0), diners.get(o, 0), waiting.get(o, 0), pairs.get(o, 0))
        for o in names
    ]
