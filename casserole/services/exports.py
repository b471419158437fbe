"""CSV exports: anonymised pairing data for publication, and a full export of one area."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from casserole.extensions import db
from casserole.formatting import km_to_miles
from casserole.models import (
    Area,
    CookProfile,
    DinerProfile,
    MealShare,
    Pairing,
    User,
)
from casserole.services import anonymised, audit

ANONYMISED_COLUMNS = list(anonymised.DICTIONARY)
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
    "diner_consent_method",
    "diner_preferred_contact",
    "emergency_contact_name",
    "emergency_contact_phone",
    "referrer_kind",
    "referrer_name",
    "referrer_organisation",
    "referrer_contact",
]
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


def csv_chunks(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    """Rows as CSV text in chunks, every cell formula-safe (see `_cell`)."""
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


def anonymised_csv(area: Area, actor: User, client_address: str | None = None) -> Iterator[str]:
    """The anonymised pairings of an area as CSV text chunks (the export is audited).

    Rows follow the disclosure rule (`casserole.services.disclosure`): see `anonymised_readme`.
    """
    result = anonymised.release(area)
    audit.record(
        "export.anonymised",
        area,
        area_id=area.id,
        actor=actor,
        client_address=client_address,
        rows=len(result.rows),
    )
    db.session.commit()
    rows = ([n, *row] for n, row in enumerate(result.rows, 1))
    return csv_chunks(["record", *result.columns], rows)


def anonymised_readme(area: Area) -> str:
    """The README and data dictionary of the anonymised export, as plain text."""
    return anonymised.readme(area, anonymised.release(area))


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
            d.consent_method,
            d.preferred_contact,
            d.emergency_contact_name,
            d.emergency_contact_phone,
            d.referrer_kind,
            d.referrer_name,
            d.referrer_organisation,
            d.referrer_contact,
        ]


def full_csv(area: Area, actor: User, client_address: str | None = None) -> Iterator[str]:
    """The full export of an area as CSV text chunks (the export is audited first).

    Rows are read before streaming starts, so the response needs no database afterwards.
    """
    rows = list(full_rows(area))
    audit.record(
        "export.full",
        area,
        area_id=area.id,
        actor=actor,
        client_address=client_address,
        rows=len(rows),
    )
    db.session.commit()
    return csv_chunks(FULL_COLUMNS, rows)
