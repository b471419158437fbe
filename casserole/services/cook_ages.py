"""How old an area's cooks are, in ranges, from the year of birth they chose to give."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from casserole import clock
from casserole.extensions import db
from casserole.models import Area, CookProfile

# (youngest, oldest) of each range; None: no upper end.
AGE_RANGES: tuple[tuple[int, int | None], ...] = (
    (18, 29),
    (30, 44),
    (45, 59),
    (60, 74),
    (75, None),
)


@dataclass(frozen=True)
class AgeBand:
    """One row of the age table: a range (or "Not given") and how many cooks are in it."""

    label: str
    cooks: int


def _label(youngest: int, oldest: int | None) -> str:
    return f"{youngest} and over" if oldest is None else f"{youngest} to {oldest}"


def cook_age_bands(area: Area, today: date | None = None) -> list[AgeBand]:
    """The area's cooks by age range, then those who gave no year (one query).

    Only the year of birth is kept, so a cook's age is the one they reach this year: at
    most a year high, which does not matter for ranges fifteen years wide.
    """
    year = (today or clock.today()).year
    counts = dict(
        db.session.execute(
            select(CookProfile.birth_year, func.count())
            .where(CookProfile.area_id == area.id)
            .group_by(CookProfile.birth_year)
        ).all()
    )
    unknown = counts.pop(None, 0)
    bands = []
    for youngest, oldest in AGE_RANGES:
        n = sum(
            c
            for born, c in counts.items()
            if youngest <= year - born and (oldest is None or year - born <= oldest)
        )
        bands.append(AgeBand(_label(youngest, oldest), n))
    bands.append(AgeBand("Not given", unknown))
    return bands
