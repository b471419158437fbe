"""Meals shared per calendar month by an area's pairings, counted in the database."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import DateTime, cast, func, literal, select, union_all

from casserole.extensions import db
from casserole.models import Area, MealShare, Pairing
from casserole.services.coordinator.dialect import is_sqlite
from casserole.services.coordinator.periods import Period, month_ranges


def _count_by_month(
    ranges: list[tuple[date, date, date]], area_ids: list[int] | None
) -> dict[int, int]:
    """Meals per month (by index into `ranges`) of pairings in `area_ids`, or of every area.

    SQLite has no hash aggregate (grouping by a month expression sorts every meal), so it
    runs one COUNT per month from an index; PostgreSQL hash-aggregates a single scan.
    """
    first_day, last_day = ranges[0][1], ranges[-1][2]

    def scoped(stmt: Any) -> Any:
        if area_ids is None:
            return stmt.select_from(MealShare)
        return (
            stmt.select_from(Pairing)
            .join(MealShare, MealShare.pairing_id == Pairing.id)
            .where(Pairing.area_id.in_(area_ids))
        )

    if not is_sqlite():
        month = func.date_trunc("month", cast(MealShare.shared_on, DateTime))
        found = db.session.execute(
            scoped(select(month, func.count()))
            .where(MealShare.shared_on.between(first_day, last_day))
            .group_by(month)
        ).all()
        index = {first: i for i, (first, _, _) in enumerate(ranges)}
        return {index[m.date()]: int(n) for m, n in found if m.date() in index}
    parts = [
        scoped(select(literal(i).label("i"), func.count().label("n"))).where(
            MealShare.shared_on.between(lo, hi)
        )
        for i, (_, lo, hi) in enumerate(ranges)
    ]
    return {i: int(n) for i, n in db.session.execute(union_all(*parts)).all()}


def meals_per_month(area: Area, period: Period) -> list[tuple[date, int]]:
    """Meals shared in each calendar month of the period (first and last may be part months).

    Counting an area's meals means joining every meal to its pairing. When the area holds
    most of the pairings it is quicker to count every meal of the period without the join
    and subtract the other (smaller) areas' meals; both ways give exact counts.
    """
    ranges = month_ranges(period)
    if not ranges:
        return []
    per_area = dict(
        db.session.execute(select(Pairing.area_id, func.count()).group_by(Pairing.area_id)).all()
    )
    mine = per_area.get(area.id, 0)
    others = sorted(a for a in per_area if a != area.id)
    if not others:
        counts = _count_by_month(ranges, None)
    elif mine * 2 > sum(per_area.values()):
        total = _count_by_month(ranges, None)
        rest = _count_by_month(ranges, others)
        counts = {i: total.get(i, 0) - rest.get(i, 0) for i in range(len(ranges))}
    else:
        counts = _count_by_month(ranges, [area.id])
    return [(first, counts.get(i, 0)) for i, (first, _, _) in enumerate(ranges)]
