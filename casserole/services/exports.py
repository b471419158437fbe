"""CSV exports: anonymised pairing data for publication, and a full export of one area."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from casserole import clock
from casserole.extensions import db
from casserole.formatting import km_to_miles
from casserole.models import (
    Area,
    CookProfile,
    DinerProfile,
    MealShare,
    Pairing,
    PairingStatus,
    User,
    utcnow,
)
from casserole.models.people import age_on
from casserole.services import audit

ANONYMISED_COLUMNS = [
    "record",
    "cook_district",
    "diner_district",
    "status",
    "started_month",
    "ended_month",
    "duration_days",
    "meals_shared",
    "distance_miles",
    "end_reason",
    "diner_age_band",
    "proposed_by",
]
FULL_COLUMNS = [
    "pairing_id",
    "status",
    "cook_id",
    "cook_name",
    "cook_email",
    "cook_phone",
    "cook_postcode",
    "diner_id",
    "diner_name",
    "diner_phone",
    "diner_postcode",
    "diner_birth_date",
    "carer_name",
    "carer_email",
    "carer_phone",
    "proposed_at",
    "started_at",
    "ended_at",
    "end_reason",
    "distance_miles",
    "meals_shared",
    "last_meal",
    "override_reason",
]
_STARTED = (PairingStatus.ACTIVE, PairingStatus.PAUSED, PairingStatus.ENDED)
_BATCH = 2000


def _cell(value: Any) -> Any:
    """A value as a spreadsheet shows it; text that a spreadsheet would run as a formula is
    quoted (names and notes come from the public)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for n, row in enumerate(rows, 1):
        writer.writerow([_cell(v) for v in row])
        if n % _BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _meal_counts(area: Area) -> dict[int, tuple[int, date | None]]:
    rows = db.session.execute(
        select(MealShare.pairing_id, func.count(MealShare.id), func.max(MealShare.shared_on))
        .join(Pairing, Pairing.id == MealShare.pairing_id)
        .where(Pairing.area_id == area.id)
        .group_by(MealShare.pairing_id)
    )
    return {pid: (n, last) for pid, n, last in rows}


def _age_band(birth: date | None, on: date) -> str:
    age = age_on(birth, on)
    if age is None:
        return "unknown"
    return "80 or over" if age >= 80 else "under 80"


def anonymised_rows(area: Area, now: datetime | None = None) -> list[list[Any]]:
    """One row per started pairing: districts, months and counts; no names or exact places."""
    now = now or utcnow()
    meals = _meal_counts(area)
    rows = db.session.execute(
        select(
            Pairing.id,
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
        .where(Pairing.area_id == area.id, Pairing.status.in_(_STARTED))
        .order_by(Pairing.started_at, Pairing.id)
    ).all()
    out = []
    for n, (pid, c_out, d_out, status, started, ended, km, reason, birth, source) in enumerate(
        rows, 1
    ):
        out.append(
            [
                n,
                c_out,
                d_out,
                status,
                started.strftime("%Y-%m"),
                ended.strftime("%Y-%m") if ended else "",
                int(((ended or now) - started).total_seconds() // 86400),
                meals.get(pid, (0, None))[0],
                f"{km_to_miles(km):.1f}" if km is not None else "",
                reason,
                _age_band(birth, clock.local_date(now)),
                source,
            ]
        )
    return out


def anonymised_csv(area: Area, actor: User) -> Iterator[str]:
    """The anonymised pairings of an area as CSV text chunks (the export is audited)."""
    rows = anonymised_rows(area)
    audit.record("export.anonymised", area, area_id=area.id, actor=actor, rows=len(rows))
    db.session.commit()
    return _csv(ANONYMISED_COLUMNS, rows)


def full_rows(area: Area) -> Iterator[list[Any]]:
    """Every pairing of the area with the people's names, contacts and postcodes."""
    meals = _meal_counts(area)
    cook_user = aliased(User)
    carer = aliased(User)
    stmt = (
        select(
            Pairing,
            CookProfile.id,
            cook_user.first_name,
            cook_user.last_name,
            cook_user.email,
            cook_user.phone,
            CookProfile.postcode,
            DinerProfile,
            carer.first_name,
            carer.last_name,
            carer.email,
            carer.phone,
        )
        .join(CookProfile, CookProfile.id == Pairing.cook_id)
        .join(cook_user, cook_user.id == CookProfile.user_id)
        .join(DinerProfile, DinerProfile.id == Pairing.diner_id)
        .outerjoin(carer, carer.id == DinerProfile.carer_id)
        .where(Pairing.area_id == area.id)
        .order_by(Pairing.id)
    )
    for row in db.session.execute(stmt):
        p, cid, cf, cl, ce, cp, cpc, d, kf, kl, ke, kp = row
        n, last = meals.get(p.id, (0, None))
        yield [
            p.id,
            p.status,
            cid,
            f"{cf} {cl}".strip(),
            ce,
            cp,
            cpc,
            d.id,
            d.display_name,
            d.phone,
            d.postcode,
            d.birth_date,
            f"{kf or ''} {kl or ''}".strip(),
            ke,
            kp,
            p.proposed_at,
            p.started_at,
            p.ended_at,
            p.end_reason,
            f"{km_to_miles(p.distance_km):.1f}" if p.distance_km is not None else "",
            n,
            last,
            p.override_reason,
        ]


def full_csv(area: Area, actor: User) -> Iterator[str]:
    """The full export of an area as CSV text chunks (the export is audited first).

    Rows are read before streaming starts, so the response needs no database afterwards.
    """
    rows = list(full_rows(area))
    audit.record("export.full", area, area_id=area.id, actor=actor, rows=len(rows))
    db.session.commit()
    return _csv(FULL_COLUMNS, rows)
