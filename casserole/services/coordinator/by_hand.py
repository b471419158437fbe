"""Pairing by hand from a diner's record: the cooks who could take them, and why the others not."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select

from casserole import clock
from casserole.extensions import db
from casserole.formatting import day_list, miles
from casserole.geocoding import great_circle_km
from casserole.models import CookProfile, DinerProfile, EndReason, Pairing, PairingStatus, User
from casserole.models.vocab import DIET_LABELS, LIVE_STATUSES, OPEN_PROPOSAL_STATUSES
from casserole.services import matching as matcher

NEAR_KM = 8.0  # cooks further than this are not worth a coordinator's look
SHOWN = 15  # per list: nearest first


@dataclass
class CookOption:
    """One cook near the diner: how far, shared days, room, and what stands in the way."""

    cook_id: int
    name: str
    km: float
    shared_days: str
    taken: int
    capacity: int
    reasons: list[str] = field(default_factory=list)

    @property
    def distance(self) -> str:
        """The distance in miles, as the console writes it."""
        return miles(self.km)


@dataclass
class Options:
    """Cooks who could take the diner now, and near cooks who cannot (each with why)."""

    feasible: list[CookOption]
    others: list[CookOption]


def _box(diner: DinerProfile, km: float) -> list[object]:
    """A latitude/longitude box around the diner, so only near cooks are read."""
    dlat = km / 111.0
    dlon = km / (111.0 * max(0.1, math.cos(math.radians(diner.latitude))))
    return [
        CookProfile.latitude.between(diner.latitude - dlat, diner.latitude + dlat),
        CookProfile.longitude.between(diner.longitude - dlon, diner.longitude + dlon),
    ]


def _why_not(cook: object, diner: DinerProfile, km: float, excluded: bool) -> list[str]:
    """The matcher's rules a cook fails for this diner, in a coordinator's words."""
    reasons = []
    if not cook.vetted:  # type: ignore[attr-defined]
        reasons.append("checks not all current, or on a break")
    limit = min(cook.max_km, diner.max_km)  # type: ignore[attr-defined]
    if km > limit:
        reasons.append(f"further than {miles(limit)}")
    missing = diner.needs - cook.can_cook  # type: ignore[attr-defined]
    if missing:
        reasons.append("cannot cook " + ", ".join(sorted(DIET_LABELS[t] for t in missing)).lower())
    if not diner.days & cook.days:  # type: ignore[attr-defined]
        reasons.append("no day in common")
    if excluded:
        reasons.append("declined before, or the diner asked for a different cook")
    return reasons


def cook_options(diner: DinerProfile, today: date | None = None) -> Options:
    """Near cooks of the diner's area, split by the matcher's rules and by room, nearest first."""
    today = today or clock.today()
    near = max(NEAR_KM, diner.max_km)
    rows = db.session.execute(
        matcher.cook_columns(today).where(CookProfile.area_id == diner.area_id, *_box(diner, near))
    ).all()
    cooks = [matcher.as_matcher_cook(row, today) for row in rows]
    ids = [c.id for c in cooks]
    excluded = {
        (cook_id, diner.id)
        for cook_id in db.session.scalars(
            select(Pairing.cook_id).where(
                Pairing.diner_id == diner.id,
                or_(
                    Pairing.status == PairingStatus.DECLINED,
                    Pairing.end_reason == EndReason.DIFFERENT_COOK,
                ),
            )
        )
    }
    feasible = matcher.feasible_for(diner, cooks, excluded)
    taken = dict(
        db.session.execute(
            select(Pairing.cook_id, func.count())
            .where(
                Pairing.cook_id.in_(ids),
                Pairing.status.in_([*LIVE_STATUSES, *OPEN_PROPOSAL_STATUSES]),
            )
            .group_by(Pairing.cook_id)
        ).all()
    )
    names = dict(
        db.session.execute(
            select(CookProfile.id, func.trim(User.first_name + " " + User.last_name))
            .join(User, User.id == CookProfile.user_id)
            .where(CookProfile.id.in_(ids))
        ).all()
    )
    can, cannot = [], []
    for cook in cooks:
        km = feasible.get(cook.id)
        if km is None:
            km = great_circle_km(diner.latitude, diner.longitude, cook.lat, cook.lon)
        option = CookOption(
            cook_id=cook.id,
            name=names.get(cook.id, f"Cook K{cook.id}"),
            km=km,
            shared_days=day_list(diner.days & cook.days) or "none",
            taken=taken.get(cook.id, 0),
            capacity=cook.capacity,
        )
        if cook.id in feasible:
            if option.taken >= cook.capacity:
                option.reasons.append(f"full ({option.taken} of {cook.capacity})")
                cannot.append(option)
            else:
                can.append(option)
        elif km <= near:
            option.reasons = _why_not(cook, diner, km, (cook.id, diner.id) in excluded)
            cannot.append(option)
    can.sort(key=lambda o: (o.km, o.cook_id))
    cannot.sort(key=lambda o: (o.km, o.cook_id))
    return Options(feasible=can[:SHOWN], others=cannot[:SHOWN])
