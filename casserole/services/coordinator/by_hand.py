"""Pairing by hand from a diner's record: the cooks who could take them, and why the others not."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from sqlalchemy import func, or_, select

from casserole import clock
from casserole.extensions import db
from casserole.formatting import day_list, miles
from casserole.geocoding import EARTH_RADIUS_KM
from casserole.models import CookProfile, DinerProfile, EndReason, Pairing, PairingStatus, User
from casserole.models.vocab import (
    DIET_LABELS,
    LIVE_STATUSES,
    OPEN_PROPOSAL_STATUSES,
    allergen_names,
)
from casserole.services import matching as matcher

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
    unsafe = diner.allergens - cook.keeps_out  # type: ignore[attr-defined]
    if unsafe:
        reasons.append("cannot keep out " + " or ".join(allergen_names(unsafe)))
    if not diner.days & cook.days:  # type: ignore[attr-defined]
        reasons.append("no day in common")
    if excluded:
        reasons.append("declined before, or the diner asked for a different cook")
    return reasons


def _km_from(diner: DinerProfile, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Great-circle km from the diner to many points at once (haversine, mean Earth radius)."""
    p1, p2 = np.radians(diner.latitude), np.radians(lat)
    dphi, dlmb = p2 - p1, np.radians(lon - diner.longitude)
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))


def _taken(ids: list[int]) -> dict[int, int]:
    """Live pairings and open proposals per cook: what fills their capacity."""
    if not ids:
        return {}
    return dict(
        db.session.execute(
            select(Pairing.cook_id, func.count())
            .where(
                Pairing.cook_id.in_(ids),
                Pairing.status.in_([*LIVE_STATUSES, *OPEN_PROPOSAL_STATUSES]),
            )
            .group_by(Pairing.cook_id)
        ).all()
    )


def _names(ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(
        select(CookProfile.id, User.first_name, User.last_name)
        .join(User, User.id == CookProfile.user_id)
        .where(CookProfile.id.in_(ids))
    ).all()
    return {r.id: f"{r.first_name} {r.last_name}".strip() for r in rows}


def _excluded(diner: DinerProfile) -> set[tuple[int, int]]:
    """Cooks never proposed to this diner again: declined, or replaced at their request."""
    return {
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


def never_paired(diner: DinerProfile) -> str | None:
    """Why no cook may ever be offered to this diner (they have died), or None."""
    died = db.session.scalar(
        select(DinerProfile.id).where(DinerProfile.id == diner.id, matcher.died_clause())
    )
    if died is not None:
        return f"{diner.first_name} has died: no cook will be proposed to them."
    return None


def cook_options(diner: DinerProfile, today: date | None = None) -> Options:
    """Near cooks of the diner's area, split by the matcher's rules and by room, nearest first.

    Only cooks within the diner's own reach can ever be feasible, so only they are read.
    """
    today = today or clock.today()
    near = diner.max_km
    rows = db.session.execute(
        matcher.cook_columns(today).where(CookProfile.area_id == diner.area_id, *_box(diner, near))
    ).all()
    if not rows:
        return Options([], [])
    km = _km_from(
        diner, np.array([r.latitude for r in rows]), np.array([r.longitude for r in rows])
    )
    close = [(float(k), row) for k, row in zip(km, rows, strict=True) if k <= near]
    cooks = {row.id: matcher.as_matcher_cook(row, today) for _, row in close}
    excluded = _excluded(diner)
    feasible = matcher.feasible_for(diner, list(cooks.values()), excluded)
    taken = _taken(sorted(feasible))
    close.sort(key=lambda pair: (pair[0], pair[1].id))
    can: list[tuple[float, int]] = []
    cannot: list[tuple[float, int, list[str]]] = []
    for distance, row in close:
        cook = cooks[row.id]
        if row.id in feasible and taken.get(row.id, 0) < cook.capacity:
            if len(can) < SHOWN:
                can.append((distance, row.id))
        elif len(cannot) < SHOWN:
            reasons = (
                [f"full ({taken.get(row.id, 0)} of {cook.capacity})"]
                if row.id in feasible
                else _why_not(cook, diner, distance, (row.id, diner.id) in excluded)
            )
            cannot.append((distance, row.id, reasons))
        if len(can) >= SHOWN and len(cannot) >= SHOWN:
            break
    shown = [cid for _, cid in can] + [cid for _, cid, _ in cannot]
    names, taken_shown = _names(shown), _taken(shown)

    def option(distance: float, cid: int, reasons: list[str]) -> CookOption:
        cook = cooks[cid]
        return CookOption(
            cook_id=cid,
            name=names.get(cid, f"Cook K{cid}"),
            km=distance,
            shared_days=day_list(diner.days & cook.days) or "none",
            taken=taken_shown.get(cid, 0),
            capacity=cook.capacity,
            reasons=reasons,
        )

    return Options(
        feasible=[option(d, cid, []) for d, cid in can],
        others=[option(d, cid, reasons) for d, cid, reasons in cannot],
    )
