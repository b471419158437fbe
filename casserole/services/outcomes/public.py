"""An area's figures as the public may see them: the coordinator's, under the disclosure rule.

The figures are `coordinator.figures.compute` for the same period; a figure is published only
when the pairings it rests on involve at least MIN_PEOPLE diners and MIN_PEOPLE cooks, and a
count below MIN_PEOPLE is shown as "fewer than 10". Retention and the curve stop where fewer
than MIN_PEOPLE pairings were still being followed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from casserole import clock
from casserole.clock import local_date
from casserole.formatting import km_to_miles
from casserole.models import Area
from casserole.services import disclosure
from casserole.services.coordinator import figures
from casserole.services.coordinator.periods import Period
from casserole.services.outcomes import quarters
from casserole.services.stats import DAYS_PER_MONTH

MIN = disclosure.MIN_PEOPLE
RETENTION_SHOWN = (3, 6, 12)
NOT_PUBLISHED = f"not published (rests on {disclosure.FEWER_THAN} people)"
TOO_EARLY = "too early to say"


@dataclass(frozen=True)
class Shown:
    """One published figure: its label, its value as text, a plain sentence, and the raw number."""

    key: str
    label: str
    text: str
    sentence: str
    value: float | None  # None when suppressed or not known; for the API and comparisons


@dataclass
class Outcomes:
    """What the public page (and the API) shows for one area and period."""

    area: Area
    period: Period
    figures: list[Shown]
    retention: list[tuple[int, float | None]]
    curve: list[tuple[float, float]]
    suppressed: int = 0
    by_key: dict[str, Shown] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_key = {s.key: s for s in self.figures}


@dataclass(frozen=True)
class _Cohort:
    """Who the started pairings involve: (diner, cook, days followed) per pairing."""

    rows: list[tuple[int, int, float, bool]]

    def enough(self, min_days: float = 0.0) -> bool:
        """True when pairings followed at least `min_days` involve MIN diners and MIN cooks."""
        return self.people(r for r in self.rows if r[2] >= min_days) >= MIN

    @staticmethod
    def people(rows: Iterable[tuple[int, int, float, bool]]) -> int:
        """The fewer of the distinct diners and distinct cooks among `rows`."""
        chosen = list(rows)
        return min(len({r[0] for r in chosen}), len({r[1] for r in chosen}))

    def last_safe_day(self) -> float:
        """The longest follow-up at which MIN people of each role were still being followed."""
        # Longest first: the first day by which MIN diners and MIN cooks have been seen is
        # the last day on which at least that many were still followed (one pass, sorted).
        diners: set[int] = set()
        cooks: set[int] = set()
        for diner, cook, days, _ in sorted(self.rows, key=lambda r: -r[2]):
            diners.add(diner)
            cooks.add(cook)
            if len(diners) >= MIN and len(cooks) >= MIN:
                return days
        return 0.0


def _count(key: str, label: str, n: int, people: int, sentence: str) -> Shown:
    """A count, published when the pairings counted involve MIN diners and MIN cooks."""
    if people < MIN:
        return Shown(key, label, disclosure.FEWER_THAN, sentence, None)
    return Shown(key, label, f"{n:,}", sentence, n)


def _measure(
    key: str, label: str, value: float | None, text: str, sentence: str, ok: bool
) -> Shown:
    """A measure built on many pairings: published only when `ok` (enough people)."""
    if not ok:
        return Shown(key, label, NOT_PUBLISHED, sentence, None)
    if value is None:
        return Shown(key, label, "none yet", sentence, None)
    return Shown(key, label, text, sentence, value)


def compute(area: Area, period: Period, now: datetime | None = None) -> Outcomes:
    """The area's public figures for `period` (the coordinator's, less what the rule hides)."""
    (fig,) = figures.pairing_figures(area, [period], now or clock.now())
    return _outcomes(fig)


def with_trend(
    area: Area, period: Period, now: datetime | None = None
) -> tuple[Outcomes, list[quarters.QuarterFigures]]:
    """The page's figures and its trend by quarter, from one read of the area's pairings."""
    now = now or clock.now()
    shown = quarters.trend_quarters(local_date(now))
    fig, *by_quarter = figures.pairing_figures(area, [period, *(q.period for q in shown)], now)
    trend = [quarters.published(q, f) for q, f in zip(shown, by_quarter, strict=True)]
    return _outcomes(fig), trend


def _outcomes(fig: figures.PairingFigures) -> Outcomes:
    """What the rule lets the public see of `fig`."""
    area, period = fig.area, fig.period
    # The same pairings the survival curve rests on, with whom they involve.
    cohort = _Cohort(fig.followed.rows())
    # Meals, distance and rhythm rest on the pairings that ran during the period.
    live_ok = min(fig.diners_matched, fig.cooks_active) >= MIN
    ok = cohort.enough()
    safe_day = cohort.last_safe_day() if ok else 0.0
    running = fig.survival.ongoing
    ended = fig.survival.ended
    miles = km_to_miles(fig.avg_distance_km) if fig.avg_distance_km is not None else None
    weeks = fig.avg_interval_weeks
    median = fig.survival.median_days
    median_ok = ok and median is not None and median <= safe_day
    shown = [
        _count(
            "pairings_running",
            "Pairings running",
            running,
            cohort.people(r for r in cohort.rows if not r[3]),
            "Cooks and diners who were still sharing meals at the end of the period.",
        ),
        _count(
            "pairings_ended",
            "Pairings that have ended",
            ended,
            cohort.people(r for r in cohort.rows if r[3]),
            "Pairings that started and have since ended, for any reason.",
        ),
        _measure(
            "meals_shared",
            "Meals shared",
            fig.meals_total,
            f"{fig.meals_total:,}",
            "Meals that cooks logged as shared during the period.",
            live_ok,
        ),
        _measure(
            "median_months",
            "Median length of a pairing",
            median / DAYS_PER_MONTH if median is not None else None,
            f"{median / DAYS_PER_MONTH:.1f} months" if median is not None else "",
            "Half of pairings last longer than this (worked out with pairings still running).",
            median_ok or (ok and median is None),
        ),
        _measure(
            "average_distance_miles",
            "Average distance from cook to diner",
            miles,
            f"{miles:.1f} miles" if miles is not None else "",
            "How far, as the crow flies, a cook lives from the diner they cook for.",
            live_ok,
        ),
        _measure(
            "weeks_between_meals",
            "Average time between meals",
            weeks,
            f"{weeks:.1f} weeks" if weeks is not None else "",
            "The days pairings ran (less pauses) divided by the meals they shared.",
            live_ok,
        ),
        _measure(
            "cost_avoided_pounds",
            "Cost avoided",
            fig.cost_avoided_pence / 100,
            f"£{fig.cost_avoided_pence / 100:,.2f}",
            f"Meals shared times £{fig.meal_cost_pence / 100:,.2f}, what the council pays "
            "for one delivered meal.",
            live_ok,
        ),
    ]
    longest = fig.survival.longest_days or 0.0
    retention: list[tuple[int, float | None]] = []
    for months in RETENTION_SHOWN:
        day = months * DAYS_PER_MONTH
        published = ok and day <= min(longest, safe_day)
        retention.append((months, fig.survival.at(day) if published else None))
    curve = [(d, p) for d, p in fig.curve if ok and d <= safe_day]
    hidden = sum(1 for s in shown if s.value is None and s.text != "none yet")
    return Outcomes(area, period, shown, retention, curve, suppressed=hidden)
