"""Which areas, cooks and records a coordinator may see: everything else is a 404."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from casserole.access import area_ids_for, can_see_area
from casserole.extensions import db
from casserole.models import Area, CookProfile, DinerProfile


def areas_for(user: Any) -> list[Area]:
    """The areas `user` coordinates (every area for an admin), by name."""
    allowed = area_ids_for(user)
    stmt = select(Area).order_by(Area.name)
    if allowed is not None:
        stmt = stmt.where(Area.id.in_(sorted(allowed)))
    return list(db.session.scalars(stmt))


def area_for(user: Any, slug: str) -> Area | None:
    """The area called `slug` if `user` may see it; None otherwise (the view answers 404)."""
    area = db.session.scalar(select(Area).where(Area.slug == slug))
    if area is None or not can_see_area(user, area.id):
        return None
    return area


def area_with_id(user: Any, area_id: int) -> Area | None:
    """The area numbered `area_id` if `user` may see it; None otherwise (the view answers 404)."""
    area = db.session.get(Area, area_id)
    if area is None or not can_see_area(user, area.id):
        return None
    return area


def diner_area(user: Any, diner_id: int) -> Area | None:
    """The area of a diner `user` may see (not erased), or None: where their record lives."""
    diner = db.session.get(DinerProfile, diner_id)
    if diner is None or diner.erased_at is not None:
        return None
    return area_with_id(user, diner.area_id)


def cook_in(area: Area, cook_id: int) -> CookProfile | None:
    """A cook of this area, or None (never a cook of another area)."""
    cook = db.session.get(CookProfile, cook_id)
    return cook if cook is not None and cook.area_id == area.id else None
