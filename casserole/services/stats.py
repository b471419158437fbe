"""How long pairings last and how regularly they share meals: rhythm, risk and survival."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from scipy import stats as sps
from sqlalchemy import and_, func, or_, select

from casserole import clock
from casserole.extensions import db
from casserole.formatting import plural
from casserole.models import MealShare, Pairing, PairingPause, PairingStatus
from casserole.models.vocab import STARTED_STATUSES

# A pairing is at risk after twice its usual gap between meals, but never sooner than this.
RISK_FLOOR_DAYS = 14
# Before the second meal there is no usual gap yet: this long without one is a worry.
RISK_BEFORE_RHYTHM_DAYS = 21
SURVIVAL_MONTHS = (3, 6, 12)
DAYS_PER_MONTH = 365.25 / 12
_SECONDS_PER_DAY = 86400.0


def at_risk_rule(
    meals: Any,
    first_day: Any,
    last_day: Any,
    quiet_days: Any,
    all_of: Callable[..., Any] = lambda *conditions: all(conditions),
    any_of: Callable[..., Any] = lambda *conditions: any(conditions),
) -> Any:
    """The at-risk rule, written once: Python numbers give a bool, SQL columns a clause.

    At risk: quiet for RISK_BEFORE_RHYTHM_DAYS before a second meal; after it, quiet for
    twice the usual gap ((last - first) / (meals - 1), kept multiplied out so SQL stays in
    whole numbers) and at least RISK_FLOOR_DAYS. The SQL side passes and_ and or_.
    """
    return any_of(
        all_of(meals < 2, quiet_days >= RISK_BEFORE_RHYTHM_DAYS),
        all_of(
            meals >= 2,
            quiet_days >= RISK_FLOOR_DAYS,
            quiet_days * (meals - 1) >= 2 * (last_day - first_day),
        ),
    )


def at_risk_clause(meals: Any, first_day: Any, last_day: Any, quiet_days: Any) -> Any:
    """The at-risk rule as a SQL condition over day-number columns."""
    return at_risk_rule(meals, first_day, last_day, quiet_days, and_, or_)


@dataclass(frozen=True)
class Rhythm:
    """One pairing's meals and time: how many, how often, how long, and whether it is at risk."""

    pairing_id: int
    status: PairingStatus
    started_at: datetime | None
    ended_at: datetime | None
    meals: int
    first_meal: date | None
    last_meal: date | None
    mean_interval_days: float | None
    duration_days: float | None
    paused_days: float
    quiet_days: int | None
    risk_threshold_days: float
    at_risk: bool


@dataclass(frozen=True)
class Survival:
    """Kaplan–Meier summary of pairing durations (running pairings are right-censored).

    `curve` is the step function as (day, share still running) from (0, 1): one step per
    whole day, which is plenty for a chart or a table read in months.
    """

    pairings: int
    ended: int
    ongoing: int
    median_days: float | None
    survival: dict[int, float | None]
    longest_days: float | None
    curve: list[tuple[float, float]] = field(default_factory=list)

    def at(self, day: float) -> float:
        """The share still running after `day` days (the step function, right-continuous)."""
        value = 1.0
        for t, p in self.curve:
            if t > day:
                break
            value = p
        return value


def _days(delta: timedelta) -> float:
    return delta.total_seconds() / _SECONDS_PER_DAY


def _pairing_filter(
    pairing_ids: Iterable[int] | None,
    area_ids: set[int] | None,
    statuses: Iterable[PairingStatus] | None = None,
) -> list[Any]:
    """WHERE clauses choosing started pairings by id, area and status (None: any)."""
    clauses: list[Any] = [Pairing.started_at.is_not(None)]
    if statuses is not None:
        clauses.append(Pairing.status.in_(list(statuses)))
    if pairing_ids is not None:
        clauses.append(Pairing.id.in_(list(pairing_ids)))
    if area_ids is not None:
        clauses.append(Pairing.area_id.in_(sorted(area_ids)))
    return clauses


def rhythms(
    pairing_ids: Iterable[int] | None = None,
    *,
    area_ids: set[int] | None = None,
    statuses: Iterable[PairingStatus] | None = None,
    now: datetime | None = None,
) -> dict[int, Rhythm]:
    """Rhythm of every started pairing chosen, in three queries whatever their number.

    Meals are reduced in the database (count, first, last per pairing); pauses, which are
    few, are read as rows. Nothing is loaded per pairing, so this serves a city of pairings.
    """
    now = now or clock.now()
    where = _pairing_filter(pairing_ids, area_ids, statuses)
    chosen = select(Pairing.id).where(*where).scalar_subquery()
    heads = db.session.execute(
        select(Pairing.id, Pairing.status, Pairing.started_at, Pairing.ended_at).where(*where)
    ).all()
    if not heads:
        return {}
    meal_rows = db.session.execute(
        select(
            MealShare.pairing_id,
            func.count(MealShare.id),
            func.min(MealShare.shared_on),
            func.max(MealShare.shared_on),
        )
        .where(MealShare.pairing_id.in_(chosen))
        .group_by(MealShare.pairing_id)
    ).all()
    meals = {pid: (count, first, last) for pid, count, first, last in meal_rows}
    paused: dict[int, float] = {}
    resumed: dict[int, datetime] = {}
    for pid, started, ended in db.session.execute(
        select(PairingPause.pairing_id, PairingPause.started_at, PairingPause.ended_at).where(
            PairingPause.pairing_id.in_(chosen)
        )
    ):
        paused[pid] = paused.get(pid, 0.0) + _days((ended or now) - started)
        if ended is not None and (pid not in resumed or ended > resumed[pid]):
            resumed[pid] = ended
    return {
        pid: _rhythm(pid, status, started, ended, meals.get(pid), paused, resumed, now)
        for pid, status, started, ended in heads
    }


def _rhythm(
    pid: int,
    status: PairingStatus,
    started: datetime,
    ended: datetime | None,
    meal_agg: tuple[int, date | None, date | None] | None,
    paused: dict[int, float],
    resumed: dict[int, datetime],
    now: datetime,
) -> Rhythm:
    """Combine one pairing's aggregates into its rhythm and risk."""
    count, first, last = meal_agg or (0, None, None)
    spread = (last - first).days if count >= 2 and first and last else 0
    mean = spread / (count - 1) if count >= 2 else None
    threshold = (
        max(float(RISK_FLOOR_DAYS), 2 * mean) if mean is not None else RISK_BEFORE_RHYTHM_DAYS
    )
    # Quiet since the last meal, or since the start or the last pause ended if later:
    # nobody is expected to cook while the diner is away.
    today = clock.local_date(now)
    quiet_since = max(d for d in (last, started.date(), _date(resumed.get(pid))) if d is not None)
    quiet = (today - quiet_since).days if status != PairingStatus.ENDED else None
    return Rhythm(
        pairing_id=pid,
        status=status,
        started_at=started,
        ended_at=ended,
        meals=count,
        first_meal=first,
        last_meal=last,
        mean_interval_days=mean,
        duration_days=_days((ended or now) - started),
        paused_days=paused.get(pid, 0.0),
        quiet_days=quiet,
        risk_threshold_days=threshold,
        at_risk=status == PairingStatus.ACTIVE
        and quiet is not None
        and at_risk_rule(count, 0, spread, quiet),
    )


def _date(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def rhythm(pairing: Pairing, now: datetime | None = None) -> Rhythm | None:
    """Rhythm of one pairing, or None before it has started."""
    return rhythms([pairing.id], now=now).get(pairing.id)


def at_risk_ids(area_ids: set[int] | None = None, now: datetime | None = None) -> list[int]:
    """Ids of active pairings whose meals have stopped, oldest first."""
    found = rhythms(area_ids=area_ids, statuses=(PairingStatus.ACTIVE,), now=now)
    return sorted(pid for pid, r in found.items() if r.at_risk)


def survival(durations: Iterable[tuple[float, bool]]) -> Survival:
    """Kaplan–Meier summary of (days, ended) pairs; running pairings are right-censored.

    Survival beyond the longest follow-up is unknown and reported as None, not guessed.
    """
    rows = list(durations)
    events = [d for d, ended in rows if ended]
    censored = [d for d, ended in rows if not ended]
    longest = max((d for d, _ in rows), default=None)
    points: dict[int, float | None] = {}
    median: float | None = None
    curve: list[tuple[float, float]] = []
    if not rows:
        points = dict.fromkeys(SURVIVAL_MONTHS)
    elif not events:
        # Nothing has ended: every pairing is still going, so survival is 1 so far.
        points = {m: (1.0 if m * DAYS_PER_MONTH <= longest else None) for m in SURVIVAL_MONTHS}
        curve = [(0.0, 1.0)]
    else:
        sf = sps.ecdf(sps.CensoredData(uncensored=events, right=censored)).sf
        for months in SURVIVAL_MONTHS:
            t = months * DAYS_PER_MONTH
            points[months] = float(sf.evaluate(t)) if t <= longest else None
        below = np.flatnonzero(sf.probabilities <= 0.5)
        median = float(sf.quantiles[below[0]]) if below.size else None
        curve = [(0.0, 1.0), *_daily_steps(sf.quantiles, sf.probabilities)]
    if curve and curve[-1][0] < longest:
        curve.append((float(longest), curve[-1][1]))
    return Survival(
        pairings=len(rows),
        ended=len(events),
        ongoing=len(censored),
        median_days=median,
        survival=points,
        longest_days=longest,
        curve=curve,
    )


def _daily_steps(times: Any, probs: Any) -> list[tuple[float, float]]:
    """Thin the estimator's steps to one per whole day: the day's last value at its first step.

    Thousands of pairings then make a few hundred points, not thousands.
    """
    times, probs = np.asarray(times, dtype=float), np.asarray(probs, dtype=float)
    whole = np.floor(times)
    last = np.r_[whole[1:] != whole[:-1], True]
    first = np.r_[True, whole[1:] != whole[:-1]]
    return list(zip(times[first].tolist(), probs[last].tolist(), strict=True))


def duration_summary(area_ids: set[int] | None = None, now: datetime | None = None) -> Survival:
    """Kaplan–Meier summary of every started pairing in `area_ids` (None: all areas)."""
    now = now or clock.now()
    rows = db.session.execute(
        select(Pairing.started_at, Pairing.ended_at, Pairing.status).where(
            *_pairing_filter(None, area_ids, STARTED_STATUSES),
        )
    )
    return survival(
        (_days((ended or now) - started), status == PairingStatus.ENDED)
        for started, ended, status in rows
    )


def describe_days(days: float | None) -> str:
    """Whole days in words: "1 day", "40 days"."""
    if days is None or math.isnan(days):
        return ""
    return plural(int(days), "day")
