"""Quarters for the trend and the committee's report: figures per quarter, under the rule."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from casserole import clock
from casserole.formatting import km_to_miles
from casserole.models import Area
from casserole.services import disclosure
from casserole.services.coordinator import figures
from casserole.services.coordinator.periods import Period

_QUARTER = re.compile(r"(\d{4})-Q([1-4])")


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter, named like 2026-Q3."""

    year: int
    number: int

    @classmethod
    def of(cls, day: date) -> Quarter:
        """The quarter holding `day`."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter | None:
        """A quarter from its name (2026-Q3), or None if it is not one."""
        found = _QUARTER.fullmatch(text or "")
        return cls(int(found.group(1)), int(found.group(2))) if found else None

    @property
    def name(self) -> str:
        """Its name, e.g. 2026-Q3."""
        return f"{self.year}-Q{self.number}"

    @property
    def title(self) -> str:
        """Its name for people, e.g. July to September 2026."""
        first = self.period.start.strftime("%B")
        return f"{first} to {self.period.end.strftime('%B')} {self.year}"

    @property
    def period(self) -> Period:
        """Its first and last day."""
        start = date(self.year, 3 * self.number - 2, 1)
        following = self.shift(1)
        return Period(start, date(following.year, 3 * following.number - 2, 1) - timedelta(days=1))

    def shift(self, quarters: int) -> Quarter:
        """The quarter `quarters` later (negative: earlier)."""
        index = self.year * 4 + self.number - 1 + quarters
        return Quarter(index // 4, index % 4 + 1)


@dataclass(frozen=True)
class QuarterFigures:
    """One quarter's published figures; None where the rule hides a figure."""

    quarter: Quarter
    diners_with_a_cook: str
    meals_shared: int | None
    weeks_between_meals: float | None
    cost_avoided_pence: int | None
    average_distance_miles: float | None


def quarter_figures(area: Area, quarter: Quarter, now: datetime | None = None) -> QuarterFigures:
    """The quarter's figures: what `coordinator.figures.compute` gives, less what the rule hides."""
    (fig,) = figures.pairing_figures(area, [quarter.period], now or clock.now())
    return published(quarter, fig)


def published(quarter: Quarter, fig: figures.PairingFigures) -> QuarterFigures:
    """The quarter's figures `fig`, less what the rule hides."""
    people = min(fig.diners_matched, fig.cooks_active)
    ok = people >= disclosure.MIN_PEOPLE
    miles = None
    if ok and fig.avg_distance_km is not None:
        miles = round(km_to_miles(fig.avg_distance_km), 1)
    return QuarterFigures(
        quarter=quarter,
        diners_with_a_cook=disclosure.figure(fig.diners_matched),
        meals_shared=fig.meals_total if ok else None,
        weeks_between_meals=round(fig.avg_interval_weeks, 1)
        if ok and fig.avg_interval_weeks is not None
        else None,
        cost_avoided_pence=fig.cost_avoided_pence if ok else None,
        average_distance_miles=miles,
    )


def _figures(area: Area, shown: list[Quarter], now: datetime | None) -> list[QuarterFigures]:
    """Several quarters' published figures from one read of the area's pairings."""
    found = figures.pairing_figures(area, [q.period for q in shown], now or clock.now())
    return [published(q, fig) for q, fig in zip(shown, found, strict=True)]


def trend_quarters(today: date, quarters: int = 4) -> list[Quarter]:
    """The last `quarters` quarters up to and including today's, oldest first."""
    current = Quarter.of(today)
    return [current.shift(-k) for k in range(quarters - 1, -1, -1)]


def trend(area: Area, quarters: int = 4, today: date | None = None) -> list[QuarterFigures]:
    """The last `quarters` quarters up to and including the current one, oldest first."""
    return _figures(area, trend_quarters(today or clock.today(), quarters), None)


@dataclass(frozen=True)
class Report:
    """The committee's page: a quarter against the one before and the same one a year earlier."""

    area: Area
    this: QuarterFigures
    previous: QuarterFigures
    last_year: QuarterFigures


def report(area: Area, quarter: Quarter) -> Report:
    """The quarterly report's figures for `area`."""
    shown = [quarter, quarter.shift(-1), quarter.shift(-4)]
    this, previous, last_year = _figures(area, shown, None)
    return Report(area, this, previous, last_year)


def latest_complete(today: date | None = None) -> Quarter:
    """The last quarter that has ended."""
    return Quarter.of(today or clock.today()).shift(-1)
