"""What each person sees on their home page: only their own records, or their areas'."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from flask_babel import gettext
from sqlalchemy import func, select

from casserole import clock
from casserole.access import area_ids_for
from casserole.extensions import db
from casserole.formatting import long_date, plural
from casserole.models import (
    Area,
    CookBreak,
    CookProfile,
    DinerProfile,
    Pairing,
    PairingStatus,
    Role,
    User,
)
from casserole.models.vocab import LIVE_STATUSES, OPEN_PROPOSAL_STATUSES
from casserole.models.welfare import VISIT_REPORT_LABELS
from casserole.services import vetting, welfare
from casserole.services.coordinator.waiting import waiting_conditions
from casserole.services.matching import died_clause
from casserole.services.pairings.breaks import current_break


@dataclass(frozen=True)
class Todo:
    """Something waiting for this person, shown as a link at the top of their home page."""

    text: str
    url: str
    urgent: bool = False


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
    # The cook's planned or running break, so their home page says what they recorded.
    cook_break: CookBreak | None = None
    vetted: bool = False
    pairings: list[Pairing] = field(default_factory=list)
    diners: list[DinerProfile] = field(default_factory=list)
    diner_pairings: dict[int, Pairing] = field(default_factory=dict)
    # Diners who have died: their page says so, never that a cook is being looked for.
    died: set[int] = field(default_factory=set)
    areas: list[AreaSummary] = field(default_factory=list)
    # What the person must act on, most urgent first: the top of their home page.
    todo: list[Todo] = field(default_factory=list)


def live_areas() -> list[Area]:
    """Areas the service runs in, by name."""
    return list(db.session.scalars(select(Area).order_by(Area.name)))


def for_user(user: Any) -> Board:
    """Build the dashboard of `user` from their role; nothing outside their reach is loaded."""
    board = Board(role=user.role, user=user)
    if user.role == Role.COOK and user.cook_profile is not None:
        board.cook = user.cook_profile
        board.vetted = board.cook.is_vetted(clock.today())
        board.cook_break = current_break(board.cook)
        board.pairings = list(
            db.session.scalars(
                select(Pairing)
                .where(
                    Pairing.cook_id == board.cook.id,
                    Pairing.status.in_([*LIVE_STATUSES, *OPEN_PROPOSAL_STATUSES]),
                    # A cook never hears of a proposal before a coordinator approved it.
                    Pairing.approved_at.is_not(None) | Pairing.started_at.is_not(None),
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
            board.died = set(
                db.session.scalars(
                    select(DinerProfile.id).where(DinerProfile.id.in_(ids), died_clause())
                )
            )
    elif user.role in (Role.COORDINATOR, Role.ADMIN):
        areas = live_areas() if user.role == Role.ADMIN else list(user.areas)
        board.areas = area_summaries(areas)
    board.todo = todo_for(user, board)
    return board


def _pairing_url(pairing: Pairing) -> str:
    return url_for("pairings.show", pairing_id=pairing.id)


def todo_for(user: Any, board: Board) -> list[Todo]:
    """What waits on this person: welfare checks first, then answers and expiring checks."""
    items: list[Todo] = []
    if user.role in (Role.COORDINATOR, Role.ADMIN):
        for check in welfare.open_for(user):
            diner = check.pairing.diner
            items.append(
                Todo(
                    f"Welfare check open for {diner.display_name} ({check.pairing.area.name}) "
                    f"since {long_date(check.opened_at)}: record the outcome",
                    url_for(
                        "coordinator.welfare_check",
                        slug=check.pairing.area.slug,
                        check_id=check.id,
                    ),
                    urgent=True,
                )
            )
        allowed = area_ids_for(user)
        stmt = (
            select(Area, func.count(Pairing.id))
            .join(Pairing, Pairing.area_id == Area.id)
            .where(Pairing.status == PairingStatus.PROPOSED)
            .group_by(Area.id)
            .order_by(Area.name)
        )
        if allowed is not None:
            stmt = stmt.where(Area.id.in_(sorted(allowed)))
        for area, count in db.session.execute(stmt):
            items.append(
                Todo(
                    f"{plural(count, 'proposal')} waiting for your approval in {area.name}",
                    url_for("coordinator.proposals", slug=area.slug),
                )
            )
    elif user.role in (Role.DINER, Role.CARER):
        for check in welfare.open_for(user):
            diner = check.pairing.diner
            items.append(
                Todo(
                    gettext(
                        "Please check on %(name)s now. Their cook reported on %(date)s: %(what)s",
                        name=diner.first_name,
                        date=long_date(check.opened_at),
                        what=str(VISIT_REPORT_LABELS[check.kind]).lower(),
                    ),
                    _pairing_url(check.pairing),
                    urgent=True,
                )
            )
        ids = [d.id for d in board.diners]
        if ids:
            for pairing in db.session.scalars(
                select(Pairing)
                .where(Pairing.diner_id.in_(ids), Pairing.status == PairingStatus.COOK_ACCEPTED)
                .order_by(Pairing.id)
            ):
                items.append(
                    Todo(
                        gettext(
                            "%(cook)s would like to cook for %(name)s: say yes or no",
                            cook=pairing.cook.user.first_name,
                            name=pairing.diner.first_name,
                        ),
                        _pairing_url(pairing),
                    )
                )
    elif user.role == Role.COOK and board.cook is not None:
        for pairing in board.pairings:
            if pairing.status == PairingStatus.APPROVED:
                items.append(
                    Todo(
                        gettext(
                            "Would you like to cook for %(name)s? Say yes or no",
                            name=pairing.diner.first_name,
                        ),
                        _pairing_url(pairing),
                    )
                )
        for state in vetting.cook_vetting(board.cook).states:
            if state.state in ("expired", "expiring") and state.check is not None:
                when = long_date(state.check.expires_on)
                text = (
                    gettext("%(check)s expired on %(date)s: renew it", check=state.label, date=when)
                    if state.state == "expired"
                    else gettext(
                        "%(check)s expires on %(date)s: renew it", check=state.label, date=when
                    )
                )
                items.append(
                    Todo(
                        text,
                        url_for("profiles.checks"),
                        urgent=state.state == "expired",
                    )
                )
    return items


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
    # The waiting list's own rule (consent, a contact person, no cook live or proposed).
    waiting = grouped(
        select(DinerProfile.area_id, func.count())
        .where(DinerProfile.area_id.in_(ids), *waiting_conditions())
        .group_by(DinerProfile.area_id)
    )
    return [
        AreaSummary(
            a, cooks.get(a.id, 0), diners.get(a.id, 0), waiting.get(a.id, 0), live.get(a.id, 0)
        )
        for a in areas
    ]


__all__ = [
    "AreaSummary",
    "Board",
    "PairingStatus",
    "Todo",
    "area_summaries",
    "for_user",
    "live_areas",
    "todo_for",
]
