"""A diner's printable meal plan: who cooks, which days, when the next meal should come."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select

from casserole.extensions import db
from casserole.models import DinerProfile, Pairing, PairingStatus
from casserole.models.vocab import LIVE_STATUSES
from casserole.services import stats
from casserole.services.matching import died_clause
from casserole.services.pairings.reminders import usual_days


@dataclass(frozen=True)
class MealPlan:
    """What a diner (or their carer) needs on paper."""

    diner: DinerProfile
    pairing: Pairing | None
    cook_first_name: str | None
    cook_phone: str | None
    usual_days: frozenset[int]
    last_meal: date | None
    next_meal: date | None
    paused: bool
    coordinator_phone: str | None
    coordinator_email: str | None
    area_name: str | None
    # Without a cook because they have died: the page says so, not "still looking".
    died: bool = False


def _next_weekday(after: date, days: frozenset[int]) -> date | None:
    """The first date after `after` that falls on one of `days`."""
    for offset in range(1, 8):
        candidate = after + timedelta(days=offset)
        if candidate.weekday() in days:
            return candidate
    return None


def printable_diner(person: Any, diner_id: int | None = None) -> DinerProfile | None:
    """The diner whose plan `person` may print: themselves, or a diner they care for by id."""
    if diner_id is None:
        condition = DinerProfile.user_id == person.id
    else:
        condition = (DinerProfile.id == diner_id) & or_(
            DinerProfile.user_id == person.id, DinerProfile.carer_id == person.id
        )
    return db.session.scalar(
        select(DinerProfile)
        .where(condition, DinerProfile.erased_at.is_(None))
        .order_by(DinerProfile.id)
        .limit(1)
    )


def meal_plan(diner: DinerProfile, today: date) -> MealPlan:
    """Build the plan for `diner`; a cook's phone appears only once the pairing is live."""
    # Through the regular cook's break, the plan is the stand-in's (the one who comes).
    pairing = db.session.scalar(
        select(Pairing)
        .where(Pairing.diner_id == diner.id, Pairing.status.in_(LIVE_STATUSES))
        .order_by(
            (Pairing.covers_id.is_not(None) & (Pairing.status == PairingStatus.ACTIVE)).desc(),
            Pairing.id,
        )
        .limit(1)
    )
    area = diner.area
    if pairing is None:
        return MealPlan(
            diner,
            None,
            None,
            None,
            frozenset(),
            None,
            None,
            False,
            area.contact_phone if area else None,
            area.contact_email if area else None,
            area.name if area else None,
            died=db.session.scalar(
                select(DinerProfile.id).where(DinerProfile.id == diner.id, died_clause())
            )
            is not None,
        )
    usual = usual_days(pairing)
    rhythm = stats.rhythm(pairing)
    last = rhythm.last_meal if rhythm else None
    next_meal = None
    if pairing.status == PairingStatus.ACTIVE:
        # The next usual day after the later of today and the last meal.
        start = max(today - timedelta(days=1), last or today - timedelta(days=1))
        next_meal = _next_weekday(start, usual) if usual else None
    return MealPlan(
        diner=diner,
        pairing=pairing,
        cook_first_name=pairing.cook.user.first_name,
        cook_phone=pairing.cook.user.phone,
        usual_days=usual,
        last_meal=last,
        next_meal=next_meal,
        paused=pairing.status == PairingStatus.PAUSED,
        coordinator_phone=area.contact_phone if area else None,
        coordinator_email=area.contact_email if area else None,
        area_name=area.name if area else None,
    )
