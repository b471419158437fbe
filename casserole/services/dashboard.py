"""What each person sees on their home page: only their own records, or their areas'."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from casserole import clock
from casserole.extensions import db
from casserole.models import (
    Area,
    CookProfile,
    DinerProfile,
    Pairing,
    PairingStatus,
    Role,
    User,
)
from casserole.models.vocab import LIVE_STATUSES, OPEN_PROPOSAL_STATUSES


@dataclass
class AreaSummary:
    """Headline counts for one area."""

    area: Area
    cooks: int
    diners: int
    waiting: int
    live_pairings: int


@dataclass
class Board:
    """Everything a dashboard template needs for one person."""

    role: Role
    user: User
    cook: CookProfile | None = None
    vetted: bool = False
    pairings: list[Pairing] = field(default_factory=list)
    diners: list[DinerProfile] = field(default_factory=list)
    diner_pairings: dict[int, Pairing] = field(default_factory=dict)
    areas: list[AreaSummary] = field(default_factory=list)


def live_areas() -> list[Area]:
    """Areas the service runs in, by name."""
    return list(db.session.scalars(select(Area).order_by(Area.name)))


def for_user(user: Any) -> Board:
    """Build the dashboard of `user` from their role; nothing outside their reach is loaded."""
    board = Board(role=user.role, user=user)
    if user.role == Role.COOK and user.cook_profile is not None:
        board.cook = user.cook_profile
        board.vetted = board.cook.is_vetted(clock.today())
        board.pairings = list(
            db.session.scalars(
                select(Pairing)
                .where(
                    Pairing.cook_id == board.cook.id,
                    Pairing.status.in_([*LIVE_STATUSES, *OPEN_PROPOSAL_STATUSES]),
                )
                .order_by(Pairing.id)
            )
        )
    elif user.role in (Role.DINER, Role.CARER):
        condition = (
            DinerProfile.user_id == user.id
            if user.role == Role.DINER
            else DinerProfile.carer_id == user.id
        )
        board.diners = list(db.session.scalars(select(DinerProfile).where(condition)))
        ids = [d.id for d in board.diners]
        if ids:
            for pairing in db.session.scalars(
                select(Pairing).where(
                    Pairing.diner_id.in_(ids),
                    Pairing.status.in_(LIVE_STATUSES),
                    # The regular cook; a stand-in through a break is told in `break_note`.
                    Pairing.covers_id.is_(None),
                )
            ):
                board.diner_pairings[pairing.diner_id] = pairing
    elif user.role in (Role.COORDINATOR, Role.ADMIN):
        areas = live_areas() if user.role == Role.ADMIN else list(user.areas)
        board.areas = area_summaries(areas)
    return board


def area_summaries(areas: list[Area]) -> list[AreaSummary]:
    """Counts per area in four grouped queries, whatever the number of areas."""
    ids = [a.id for a in areas]
    if not ids:
        return []

    def grouped(stmt: Any) -> dict[int, int]:
        return {area_id: count for area_id, count in db.session.execute(stmt)}

    cooks = grouped(
        select(CookProfile.area_id, func.count())
        .where(CookProfile.area_id.in_(ids))
        .group_by(CookProfile.area_id)
    )
    diners = grouped(
        select(DinerProfile.area_id, func.count())
        .where(DinerProfile.area_id.in_(ids))
        .group_by(DinerProfile.area_id)
    )
    live = grouped(
        select(Pairing.area_id, func.count())
        # A stand-in covers a break inside a pairing already counted.
        .where(
            Pairing.area_id.in_(ids),
            Pairing.status.in_(LIVE_STATUSES),
            Pairing.covers_id.is_(None),
        )
        .group_by(Pairing.area_id)
    )
    paired = select(Pairing.diner_id).where(Pairing.status.in_(LIVE_STATUSES)).scalar_subquery()
    waiting = grouped(
        select(DinerProfile.area_id, func.count())
        .where(DinerProfile.area_id.in_(ids), DinerProfile.id.not_in(paired))
        .group_by(DinerProfile.area_id)
    )
    return [
        AreaSummary(
            a, cooks.get(a.id, 0), diners.get(a.id, 0), waiting.get(a.id, 0), live.get(a.id, 0)
        )
        for a in areas
    ]


__all__ = ["AreaSummary", "Board", "PairingStatus", "area_summaries", "for_user", "live_areas"]
