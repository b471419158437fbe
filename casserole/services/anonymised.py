"""The anonymised pairings export: which columns, their ladders, and its README.

Every column is a quasi-identifier (someone who knows a diner's district and when their
cook started could look for them), so every column is coarsened by the disclosure rule in
`casserole.services.disclosure`; this module only says what each column can become.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from casserole.clock import local_date
from casserole.extensions import db
from casserole.formatting import km_to_miles
from casserole.models import (
    Area,
    CookProfile,
    DinerProfile,
    MealShare,
    Pairing,
    PairingStatus,
    utcnow,
)
from casserole.models.people import age_on
from casserole.services import disclosure
from casserole.services.coordinator.dialect import date_from_cursor, utc_from_cursor
from casserole.services.disclosure import Ladder, Record, band, by_group

_STARTED = (PairingStatus.ACTIVE, PairingStatus.PAUSED, PairingStatus.ENDED)
_DAYS_PER_MONTH = 30.44


# Months are UK calendar months, as the people involved count them: the records hold the
# UK date (a few hundred distinct days, so each label is worked out a few hundred times).
def _month(value: date | None) -> str:
    return value.strftime("%Y-%m") if value else ""


def _quarter(value: date | None) -> str:
    return f"{value.year}-Q{(value.month - 1) // 3 + 1}" if value else ""


def _year(value: date | None) -> str:
    return str(value.year) if value else ""


def _ladders(area: Area) -> list[Ladder]:
    """The released columns, in CSV order, each from exact to coarse."""
    district = (lambda outcode: outcode or "", lambda _outcode: area.name)
    months = (_month, _quarter, _year)
    running = {"active": "running", "paused": "running"}
    sickness = {"died": "health or death", "health": "health or death"}
    return [
        Ladder("cook_district", district, ("postcode district", "area"), value=1),
        Ladder("diner_district", district, ("postcode district", "area"), value=2),
        Ladder(
            "status", (str, by_group(running, "ended")), ("status", "running or ended"), value=9
        ),
        Ladder("started", months, ("month", "quarter", "year"), value=7),
        Ladder("ended", months, ("month", "quarter", "year"), value=6),
        Ladder(
            "duration",
            (
                band(
                    [
                        (1, "under 1 month"),
                        (3, "1 to 3 months"),
                        (6, "3 to 6 months"),
                        (12, "6 to 12 months"),
                        (24, "1 to 2 years"),
                    ],
                    "2 years or more",
                ),
                band([(6, "under 6 months"), (12, "6 to 12 months")], "1 year or more"),
            ),
            ("band of 6", "band of 3"),
            value=8,
        ),
        Ladder(
            "meals_shared",
            (
                band(
                    [(1, "none"), (10, "1 to 9"), (25, "10 to 24"), (50, "25 to 49")], "50 or more"
                ),
                band([(10, "under 10")], "10 or more"),
            ),
            ("band of 5", "band of 2"),
            value=4,
        ),
        Ladder(
            "distance_miles",
            (
                band(
                    [(0.5, "under 0.5"), (1, "0.5 to 1"), (2, "1 to 2"), (3, "2 to 3")], "3 or more"
                ),
                band([(1, "under 1")], "1 or more"),
            ),
            ("band of 5", "band of 2"),
            value=3,
        ),
        Ladder(
            "end_reason",
            (str, by_group(sickness, "other reasons")),
            ("reason", "health or death, or other reasons"),
            value=5,
        ),
        Ladder("diner_age_band", (str,), ("80 or over, under 80, unknown",), value=5),
        Ladder("proposed_by", (str,), ("matcher or coordinator",)),
    ]


def _age_band(birth: Any, on: Any) -> str:
    age = age_on(birth, on)
    if age is None:
        return "unknown"
    return "80 or over" if age >= 80 else "under 80"


def _meal_counts(area: Area) -> dict[int, int]:
    """Meals logged per pairing: the area's pairings, and perhaps others' (callers look up).

    Joining every meal to its pairing costs more than counting them all: when the area holds
    most of the pairings, every pairing's meals are counted without the join.
    """
    per_area = dict(
        db.session.execute(select(Pairing.area_id, func.count()).group_by(Pairing.area_id)).all()
    )
    count = select(MealShare.pairing_id, func.count()).group_by(MealShare.pairing_id)
    if per_area.get(area.id, 0) * 2 <= sum(per_area.values()):
        count = count.join(Pairing, Pairing.id == MealShare.pairing_id).where(
            Pairing.area_id == area.id
        )
    return dict(db.session.connection().execute(count).all())


def _records(area: Area, now: datetime) -> list[Record]:
    meals = _meal_counts(area)
    # Raw values from the driver's cursor: 20,000 rows in a city, and the column types'
    # conversions (enums, aware timestamps) cost more than the query. Enums are stored as
    # their values, which is what the CSV shows.
    result = db.session.connection().execute(
        select(
            Pairing.id,
            Pairing.diner_id,
            Pairing.cook_id,
            CookProfile.outcode,
            DinerProfile.outcode,
            Pairing.status,
            Pairing.started_at,
            Pairing.ended_at,
            Pairing.distance_km,
            Pairing.end_reason,
            DinerProfile.birth_date,
            Pairing.source,
        )
        .join(CookProfile, CookProfile.id == Pairing.cook_id)
        .join(DinerProfile, DinerProfile.id == Pairing.diner_id)
        # Stand-ins cover a break inside a pairing: never a pairing of their own.
        .where(
            Pairing.area_id == area.id,
            Pairing.covers_id.is_(None),
            Pairing.status.in_(_STARTED),
        )
        .order_by(Pairing.id)
    )
    rows = result.cursor.fetchall()
    result.close()
    today = local_date(now)
    out = []
    for pid, diner_id, cook_id, c_out, d_out, status, start, end, km, reason, born, source in rows:
        start, end = utc_from_cursor(start), utc_from_cursor(end)
        months = ((end or now) - start).total_seconds() / 86400 / _DAYS_PER_MONTH
        values = (
            c_out,
            d_out,
            status,
            local_date(start) if start else None,
            local_date(end) if end else None,
            months,
            meals.get(pid, 0),
            km_to_miles(km) if km is not None else None,
            reason or "",
            _age_band(date_from_cursor(born), today),
            source,
        )
        out.append(Record(values=values, people=(diner_id, cook_id)))
    return out


def release(area: Area, now: datetime | None = None) -> disclosure.Release:
    """The area's started pairings as they may be published (see the disclosure rule)."""
    return disclosure.release(_ladders(area), _records(area, now or utcnow()))


DICTIONARY = {
    "record": "Row number, in random order (it says nothing about when a pairing started).",
    "cook_district": "The cook's postcode district (e.g. N3), or the area's name if coarsened.",
    "diner_district": "The diner's postcode district, or the area's name if coarsened.",
    "status": "active, paused or ended; or running or ended if coarsened.",
    "started": "When meals began: month (2025-03), quarter (2025-Q1) or year (2025).",
    "ended": "When the pairing ended, as for started; empty while it is running.",
    "duration": "How long it ran (or has run so far), as a band of months.",
    "meals_shared": "How many meals were logged, as a band.",
    "distance_miles": "Distance between cook and diner as the crow flies, as a band.",
    "end_reason": "Why it ended (moved_away, health, cook_unavailable, different_cook, died, "
    "other), or grouped into health or death and other reasons; empty while running.",
    "diner_age_band": "The diner's age today: 80 or over, under 80, or unknown.",
    "proposed_by": "matcher (the automatic matching) or coordinator (paired by hand).",
}


def readme(area: Area, result: disclosure.Release) -> str:
    """The README and data dictionary shipped with the export, with this release's levels."""
    lines = [
        f"Casserole: anonymised pairings, {area.name}",
        "",
        "One row per pairing that started (proposals that never started are not included).",
        "No names, addresses, postcodes, map positions, ages or exact dates.",
        "",
        "Disclosure rule",
        disclosure.RULE,
        "",
        "Data dictionary (column: meaning; level released in this file)",
    ]
    for column, meaning in DICTIONARY.items():
        level = result.levels.get(column, "row number")
        lines.append(f"- {column}: {meaning} Released as: {level}.")
    lines.append("")
    return "\n".join(lines)
