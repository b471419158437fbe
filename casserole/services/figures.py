"""Area figures for a period: people, distances, meal rhythm, retention (Kaplan–Meier), cost."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
from scipy import stats as sps
from sqlalchemy import DateTime, case, cast, exists, func, literal, or_, select, union_all

from casserole.extensions import db
from casserole.models import (
    Area,
    CheckKind,
    CookProfile,
    DinerProfile,
    MealShare,
    Pairing,
    PairingPause,
    PairingStatus,
    VettingCheck,
    utcnow,
)
from casserole.services import audit, console, stats

DAYS_PER_MONTH = stats.DAYS_PER_MONTH
PERIODS = {"3m": 3, "6m": 6, "12m": 12, "24m": 24}


@dataclass(frozen=True)
class Period:
    """A run of whole days, both ends included."""

    start: date
    end: date

    @property
    def start_at(self) -> datetime:
        """Midnight UTC at the start of the first day."""
        return datetime.combine(self.start, time.min, UTC)

    @property
    def end_at(self) -> datetime:
        """Midnight UTC after the last day (exclusive)."""
        return datetime.combine(self.end + timedelta(days=1), time.min, UTC)


def months_back(months: int, today: date | None = None) -> Period:
    """The `months` whole calendar months up to and including the current one."""
    today = today or utcnow().date()
    y, m = today.year, today.month - (months - 1)
    while m < 1:
        y, m = y - 1, m + 12
    return Period(date(y, m, 1), today)


def _month_starts(period: Period) -> list[date]:
    starts = []
    y, m = period.start.year, period.start.month
    while date(y, m, 1) <= period.end:
        starts.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return starts


@dataclass
class Chart:
    """Geometry for a small server-drawn SVG chart (the template only draws it)."""

    width: int
    height: int
    left: int
    bottom: int
    path: str = ""
    bars: list[tuple[float, float, float, float, str, int]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)


@dataclass
class Figures:
    """Everything on the figures page for one area and period."""

    area: Area
    period: Period
    cooks_signed_up: int
    cooks_new: int
    cooks_vetted: int
    cooks_active: int
    diners_signed_up: int
    diners_waiting: int
    diners_matched: int
    diners_with_age: int
    diners_over_80: int
    avg_distance_km: float | None
    avg_interval_days: float | None
    survival: stats.Survival
    curve: list[tuple[float, float]]
    months: list[tuple[date, int]]
    meal_cost_pence: int

    @property
    def share_over_80(self) -> float | None:
        """Share of diners (with a known birth date) aged 80 or over at the period's end."""
        return self.diners_over_80 / self.diners_with_age if self.diners_with_age else None

    @property
    def meals_total(self) -> int:
        """Meals shared in the period."""
        return sum(n for _, n in self.months)

    @property
    def cost_avoided_pence(self) -> int:
        """Meals shared times the council's cost of one meal."""
        return self.meals_total * self.meal_cost_pence

    @property
    def avg_interval_weeks(self) -> float | None:
        """Average weeks between a pairing's meals."""
        return None if self.avg_interval_days is None else self.avg_interval_days / 7

    @property
    def longest_months(self) -> float | None:
        """The longest-running pairing, in months."""
        days = self.survival.longest_days
        return None if days is None else days / DAYS_PER_MONTH

    @property
    def retention_rows(self) -> list[tuple[int, float]]:
        """Share of pairings still running after 1, 2, 3, 6, 9, 12, 18 and 24 months
        (only as far as pairings have been followed)."""
        longest = self.survival.longest_days or 0.0
        return [
            (m, survival_at(self.curve, m * DAYS_PER_MONTH))
            for m in (1, 2, 3, 6, 9, 12, 18, 24)
            if m * DAYS_PER_MONTH <= longest
        ]

    @property
    def median_months(self) -> float | None:
        """Median pairing duration (Kaplan–Meier), in months; None until half have ended."""
        days = self.survival.median_days
        return None if days is None else days / DAYS_PER_MONTH


def set_meal_cost(area: Area, pence: int, actor: Any, client_address: str | None = None) -> None:
    """Change the area's cost of one council meal (used for "cost avoided"); one commit."""
    if not 0 <= pence <= 5000:
        raise ValueError("a meal costs between £0 and £50")
    before = area.meal_cost_pence
    area.meal_cost_pence = pence
    audit.record(
        "area.meal_cost",
        area,
        area_id=area.id,
        actor=actor,
        client_address=client_address,
        before=before,
        after=pence,
    )
    db.session.commit()


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def survival_at(curve: list[tuple[float, float]], day: float) -> float:
    """The Kaplan–Meier step function's value at `day` (right-continuous)."""
    value = 1.0
    for t, p in curve:
        if t > day:
            break
        value = p
    return value


def km_curve(durations: list[tuple[float, bool]]) -> list[tuple[float, float]]:
    """Kaplan–Meier steps (day, survival) from (days, ended) pairs, starting at (0, 1).

    One step per whole day (the day's last value) is plenty for a chart and a table read in
    months, and keeps thousands of pairings to a few hundred points.
    """
    if not durations:
        return []
    days = np.fromiter((d for d, _ in durations), float, len(durations))
    ended = np.fromiter((e for _, e in durations), bool, len(durations))
    longest = float(days.max())
    steps = [(0.0, 1.0)]
    if ended.any():
        sf = sps.ecdf(sps.CensoredData(uncensored=days[ended], right=days[~ended])).sf
        times, probs = np.asarray(sf.quantiles), np.asarray(sf.probabilities)
        whole = np.floor(times)
        # Last step of each whole day, placed at that day's first step.
        last = np.r_[whole[1:] != whole[:-1], True]
        first = np.r_[True, whole[1:] != whole[:-1]]
        steps += list(zip(times[first].tolist(), probs[last].tolist(), strict=True))
    if steps[-1][0] < longest:
        steps.append((longest, steps[-1][1]))
    return steps


def compute(area: Area, period: Period, now: datetime | None = None) -> Figures:
    """The area's figures for `period`, aggregated in SQL (a fixed number of queries)."""
    now = now or utcnow()
    cut = min(period.end_at, now)
    in_area_cook = CookProfile.area_id == area.id
    cooks_signed_up, cooks_new = db.session.execute(
        select(
            func.count(),
            func.coalesce(
                func.sum(case((CookProfile.created_at >= period.start_at, 1), else_=0)), 0
            ),
        ).where(in_area_cook, CookProfile.created_at < period.end_at)
    ).one()
    # Vetted on the last day: a valid check of every kind (one indexed EXISTS per kind is
    # quicker than grouping every check of every cook).
    valid_kinds = [
        exists().where(
            VettingCheck.cook_id == CookProfile.id,
            VettingCheck.kind == kind,
            VettingCheck.checked_on <= period.end,
            or_(VettingCheck.expires_on.is_(None), VettingCheck.expires_on > period.end),
        )
        for kind in CheckKind
    ]
    cooks_vetted = db.session.scalar(
        select(func.count()).where(
            in_area_cook, CookProfile.created_at < period.end_at, *valid_kinds
        )
    )
    over_80_cutoff = _years_before(period.end, 80)
    diners_signed_up, diners_with_age, diners_over_80 = db.session.execute(
        select(
            func.count(),
            func.count(DinerProfile.birth_date),
            func.count(case((DinerProfile.birth_date <= over_80_cutoff, 1))),
        ).where(DinerProfile.area_id == area.id, DinerProfile.created_at < period.end_at)
    ).one()
    # A separate count: PostgreSQL turns NOT EXISTS into a hash anti-join only in WHERE.
    diners_waiting = db.session.scalar(
        select(func.count()).select_from(DinerProfile).where(*console._waiting_filter(area))
    )
    live_in_period = [
        Pairing.area_id == area.id,
        Pairing.started_at.is_not(None),
        Pairing.started_at < cut,
        Pairing.status.in_([PairingStatus.ACTIVE, PairingStatus.PAUSED, PairingStatus.ENDED]),
    ]
    # Numbers only, read straight from the driver's cursor: 20,000 plain tuples, no Row
    # objects (fewer allocations, fewer garbage-collector pauses on a busy page).
    result = db.session.connection().execute(
        select(
            Pairing.diner_id,
            Pairing.cook_id,
            Pairing.distance_km,
            console.epoch_seconds(Pairing.started_at),
            console.epoch_seconds(Pairing.ended_at),
        ).where(*live_in_period)
    )
    rows = result.cursor.fetchall()
    result.close()
    # Pauses are few: read the area's and let the arithmetic below clip them to the period.
    pauses = db.session.execute(
        select(
            console.epoch_seconds(PairingPause.started_at),
            console.epoch_seconds(PairingPause.ended_at),
        )
        .join(Pairing, Pairing.id == PairingPause.pairing_id)
        .where(Pairing.area_id == area.id, PairingPause.started_at < cut)
    ).all()
    months = _meals_per_month(area, period)

    day = 86400.0
    cut_s, start_s = cut.timestamp(), period.start_at.timestamp()
    # One conversion in C; missing values (running, no distance) become NaN.
    table = np.array(rows, dtype=float).reshape(-1, 5)
    diner_ids, cook_ids, km, started, ended = table.T
    finished = ~np.isnan(ended) & (ended <= cut_s)
    stop = np.where(finished, ended, cut_s)
    # Running at some time in the period: the cook is active, the diner matched.
    live = stop >= start_s
    exposure = float(np.clip(stop[live] - np.maximum(started[live], start_s), 0, None).sum())
    for p_start, p_end in pauses:
        p_stop = min(cut_s if p_end is None else p_end, cut_s)
        exposure -= max(0.0, p_stop - max(p_start, start_s))
    durations = list(zip(((stop - started) / day).tolist(), finished.tolist(), strict=True))
    distances = km[live & ~np.isnan(km)]
    meals = sum(n for _, n in months)
    return Figures(
        area=area,
        period=period,
        cooks_signed_up=cooks_signed_up,
        cooks_new=cooks_new,
        cooks_vetted=cooks_vetted or 0,
        cooks_active=len(set(cook_ids[live].tolist())),
        diners_signed_up=diners_signed_up,
        diners_waiting=diners_waiting or 0,
        diners_matched=len(set(diner_ids[live].tolist())),
        diners_with_age=diners_with_age,
        diners_over_80=int(diners_over_80),
        avg_distance_km=float(distances.mean()) if distances.size else None,
        avg_interval_days=exposure / day / meals if meals else None,
        survival=stats.survival(durations),
        curve=km_curve(durations),
        months=months,
        meal_cost_pence=area.meal_cost_pence,
    )


def _month_ranges(period: Period) -> list[tuple[date, date, date]]:
    """(month start, first day counted, last day counted) for each month of the period."""
    starts = _month_starts(period)
    out = []
    for i, first in enumerate(starts):
        hi = starts[i + 1] - timedelta(days=1) if i + 1 < len(starts) else period.end
        out.append((first, max(first, period.start), hi))
    return out


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

    if db.engine.dialect.name != "sqlite":
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


def _meals_per_month(area: Area, period: Period) -> list[tuple[date, int]]:
    """Meals shared in each calendar month of the period.

    Counting an area's meals means joining every meal to its pairing. When the area holds
    most of the pairings it is quicker to count every meal of the period without the join
    and subtract the other (smaller) areas' meals; both ways give exact counts.
    """
    ranges = _month_ranges(period)
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


# ---------------------------------------------------------------- chart geometry


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def survival_chart(curve: list[tuple[float, float]]) -> Chart:
    """A step line of retention against months since the start."""
    chart = Chart(width=640, height=280, left=56, bottom=40)
    plot_w, plot_h = chart.width - chart.left - 16, chart.height - chart.bottom - 16
    top = 16
    longest = max((d for d, _ in curve), default=0.0)
    months = max(12, math.ceil(longest / DAYS_PER_MONTH / 3) * 3)
    xmax = months * DAYS_PER_MONTH

    def x(day: float) -> float:
        return round(chart.left + plot_w * min(day, xmax) / xmax, 1)

    def y(p: float) -> float:
        return round(top + plot_h * (1 - p), 1)

    if curve:
        # One point per whole day keeps the path small for thousands of pairings.
        thinned: list[tuple[float, float]] = []
        for day, p in curve:
            if thinned and math.floor(thinned[-1][0]) == math.floor(day) and day > 0:
                thinned[-1] = (thinned[-1][0], p)
            else:
                thinned.append((day, p))
        parts = [f"M{x(thinned[0][0])} {y(thinned[0][1])}"]
        for day, p in thinned[1:]:
            parts.append(f"H{x(day)} V{y(p)}")
        chart.path = " ".join(parts)
    step = 3 if months <= 24 else 6
    chart.x_ticks = [(x(m * DAYS_PER_MONTH), f"{m}") for m in range(0, months + 1, step)]
    chart.y_ticks = [(y(p), f"{int(p * 100)}%") for p in (0, 0.25, 0.5, 0.75, 1.0)]
    return chart


def meals_chart(months: list[tuple[date, int]]) -> Chart:
    """Bars of meals shared per month."""
    chart = Chart(width=640, height=280, left=64, bottom=48)
    plot_w, plot_h = chart.width - chart.left - 16, chart.height - chart.bottom - 16
    top = 16
    if not months:
        return chart
    ymax = _nice_max(max(n for _, n in months))
    slot = plot_w / len(months)
    for i, (first, n) in enumerate(months):
        h = plot_h * n / ymax
        label = first.strftime("%b %Y")
        chart.bars.append(
            (
                round(chart.left + i * slot + slot * 0.15, 1),
                round(top + plot_h - h, 1),
                round(slot * 0.7, 1),
                round(h, 1),
                label,
                n,
            )
        )
    every = max(1, math.ceil(len(months) / 12))
    chart.x_ticks = [
        (round(chart.left + (i + 0.5) * slot, 1), first.strftime("%b %y"))
        for i, (first, _) in enumerate(months)
        if i % every == 0
    ]
    chart.y_ticks = [
        (round(top + plot_h * (1 - f), 1), f"{int(ymax * f):,}") for f in (0, 0.25, 0.5, 0.75, 1.0)
    ]
    return chart
