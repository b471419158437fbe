"""Periods for the figures: whole days, the last N months, and the calendar months they touch."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from casserole import clock

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

    @property
    def starts_a_month(self) -> bool:
        """True when the first day is the first of a month (its first month is whole)."""
        return self.start.day == 1

    @property
    def ends_a_month(self) -> bool:
        """True when the last day is the last of a month (its last month is whole)."""
        return (self.end + timedelta(days=1)).day == 1


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def last_months(months: int, today: date | None = None) -> Period:
    """The last `months` months up to and including today: 30 June back to 1 July."""
    today = today or clock.today()
    return Period(months_before(today, months) + timedelta(days=1), today)


def month_ranges(period: Period) -> list[tuple[date, date, date]]:
    """(month start, first day counted, last day counted) for each month the period touches."""
    out = []
    first = period.start.replace(day=1)
    while first <= period.end:
        following = (first + timedelta(days=31)).replace(day=1)
        last = min(following - timedelta(days=1), period.end)
        out.append((first, max(first, period.start), last))
        first = following
    return out
