"""Feedback: ratings and comments for the coordinators, per pairing and per area."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from casserole.access import can_see_area
from casserole.extensions import db
from casserole.models import Area, Feedback, Pairing
from casserole.services.coordinator.periods import Period

RECENT_COMMENTS = 5


@dataclass(frozen=True)
class AreaFeedback:
    """An area's ratings in a period: how many, their mean, and the latest comments."""

    ratings: int
    mean_rating: float | None
    recent: list[Feedback]


def for_pairing(pairing: Pairing, viewer: Any) -> list[Feedback]:
    """A pairing's ratings and comments, newest first, for the area's coordinators only."""
    if not can_see_area(viewer, pairing.area_id):
        return []
    stmt = (
        select(Feedback)
        .where(Feedback.pairing_id == pairing.id, Feedback.is_concern.is_(False))
        .options(joinedload(Feedback.author))
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
    )
    return list(db.session.scalars(stmt))


def area_summary(area: Area, period: Period) -> AreaFeedback:
    """Mean rating and the most recent comments of an area's pairings within `period`."""
    in_period = (
        Feedback.is_concern.is_(False),
        Feedback.rating.is_not(None),
        Pairing.area_id == area.id,
        Feedback.created_at >= period.start_at,
        Feedback.created_at < period.end_at,
    )
    count, mean = db.session.execute(
        select(func.count(), func.avg(Feedback.rating))
        .select_from(Feedback)
        .join(Pairing, Pairing.id == Feedback.pairing_id)
        .where(*in_period)
    ).one()
    recent = list(
        db.session.scalars(
            select(Feedback)
            .join(Pairing, Pairing.id == Feedback.pairing_id)
            .where(*in_period, Feedback.comment != "")
            .order_by(Feedback.created_at.desc(), Feedback.id.desc())
            .limit(RECENT_COMMENTS)
        )
    )
    return AreaFeedback(count, float(mean) if mean is not None else None, recent)
