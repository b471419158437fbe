"""Meals shared per calendar month by an area's pairings, counted in the database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select

from casserole.extensions import db
from casserole.models import Area, MealShare, Pairing
from casserole.services.coordinator.periods import Period, month_ranges


def _count_by_day(first: date, last: date, area_ids: list[int] | None) -> dict[date, int]:
    """Meals per day from `first` to `last` of pairings in `area_ids`, or of every area.

    Grouped by the stored day itself: SQLite walks its index on shared_on in order (no sort),
    PostgreSQL hash-aggregates one scan; a few hundred rows come back.
    """
    stmt = select(MealShare.shared_on, func.count()).where(MealShare.shared_on.between(first, last))
    if area_ids is None:
        stmt = stmt.select_from(MealShare)
    else:
        stmt = (
            stmt.select_from(Pairing)
            .join(MealShare, MealShare.pairing_id == Pairing.id)
            .where(Pairing.area_id.in_(area_ids))
        )
    return {day: int(n) for day, n in db.session.execute(stmt.group_by(MealShare.shared_on))}


def meals_per_month(area: Area, period: Period) -> list[tuple[date, int]]:
    """Meals shared in each calendar month of the period (first and last may be part months)."""
    return meals_per_months(area, [period])[0]


def meals_per_months(area: Area, periods: Sequence[Period]) -> list[list[tuple[date, int]]]:
    """`meals_per_month` for each of several periods, from one count of meals per day.

    Counting an area's meals means joining every meal to its pairing. When the area holds
    most of the pairings it is quicker to count every meal of the period without the join
    and subtract the other (smaller) areas' meals; both ways give exact counts.
    """
    ranges = [month_ranges(period) for period in periods]
    days = [(lo, hi) for months in ranges for _, lo, hi in months]
    if not days:
        return [[] for _ in periods]
    first, last = min(lo for lo, _ in days), max(hi for _, hi in days)
    per_area = dict(
        db.session.execute(select(Pairing.area_id, func.count()).group_by(Pairing.area_id)).all()
    )
    mine = per_area.get(area.id, 0)
    others = sorted(a for a in per_area if a != area.id)
    if not others:
        per_day = _count_by_day(first, last, None)
    elif mine * 2 > sum(per_area.values()):
        total = _count_by_day(first, last, None)
        rest = _count_by_day(first, last, others)
        per_day = {day: n - rest.get(day, 0) for day, n in total.items()}
    else:
        per_day = _count_by_day(first, last, [area.id])
    return [
        [
            (month, sum(n for day, n in per_day.items() if lo <= day <= hi))
            for month, lo, hi in months
        ]
        for months in ranges
    ]
