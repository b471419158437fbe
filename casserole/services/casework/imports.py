"""Bulk import of referrals from CSV: every row checked, a plain-English preview, all or nothing."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app

from casserole.extensions import db
from casserole.formatting import plural
from casserole.geocoding import PostcodeError, normalise_postcode
from casserole.models import Area
from casserole.services import audit, places
from casserole.services.casework.import_rows import (
    COLUMNS,
    REQUIRED,
    RowResult,
    check_row,
    decode,
    parse_row,
)
from casserole.services.casework.registration import Referral, build_diner, existing_keys, name_key

MAX_ROWS = 20_000


@dataclass
class Preview:
    """What an import would do: problems with the file, and each row's result."""

    file_errors: list[str] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file and every row can be imported."""
        return not self.file_errors and not any(r.errors for r in self.rows)

    @property
    def new_rows(self) -> list[RowResult]:
        """Rows that would add a diner (not already registered)."""
        return [r for r in self.rows if not r.duplicate and not r.errors]

    @property
    def duplicates(self) -> int:
        """Rows naming someone already registered: skipped, so a file can be imported twice."""
        return sum(1 for r in self.rows if r.duplicate)

    @property
    def problem_rows(self) -> list[RowResult]:
        """Rows with at least one problem."""
        return [r for r in self.rows if r.errors]


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    added: int
    skipped: int


def preview(area: Area, data: bytes, progress: Callable[[int], None] | None = None) -> Preview:
    """Check a CSV file of referrals for `area` without changing anything."""
    out = Preview()
    try:
        text = decode(data)
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    except (ValueError, csv.Error) as err:
        out.file_errors.append(
            str(err) if isinstance(err, ValueError) else f"The CSV cannot be read: {err}."
        )
        return out
    missing = [c for c in REQUIRED if c not in headers]
    unknown = [h for h in headers if h not in COLUMNS]
    if not headers:
        out.file_errors.append("The file is empty: the first line must name the columns.")
    if missing and headers:
        out.file_errors.append(f"The first line lacks the column(s): {', '.join(missing)}.")
    if unknown:
        out.file_errors.append(
            f"Unknown column(s): {', '.join(repr(u) for u in unknown)}. "
            f"The columns are: {', '.join(COLUMNS)}."
        )
    if len(set(headers)) != len(headers):
        out.file_errors.append("A column is named twice on the first line.")
    if out.file_errors:
        return out
    reader.fieldnames = headers
    known = existing_keys()
    seen: dict[tuple[str, str, date | None], int] = {}
    placements: dict[str, Any] = {}
    try:
        for raw in reader:
            line = reader.line_num
            if len(out.rows) >= MAX_ROWS:
                out.file_errors.append(f"The file has more than {MAX_ROWS:,} rows; split it.")
                return out
            if None in raw:
                name = f"{raw.get('first_name') or ''} {raw.get('last_name') or ''}".strip()
                out.rows.append(
                    RowResult(
                        line, name, ["the row has more cells than the first line has columns."]
                    )
                )
                continue
            result = RowResult(
                line, f"{raw.get('first_name') or ''} {raw.get('last_name') or ''}".strip()
            )
            out.rows.append(result)
            referral = parse_row(raw, result)
            if referral is not None:
                check_row(referral, result)
                _place(area, referral, result, placements)
                result.referral = referral
            if not result.errors and referral is not None:
                key = (
                    name_key(referral.details.first_name, referral.details.last_name),
                    result.placement.location.postcode.replace(" ", "").upper(),
                    referral.details.birth_date,
                )
                if key in known:
                    result.duplicate = True
                elif key in seen:
                    result.errors.append(f"the same person as on line {seen[key]}.")
                else:
                    seen[key] = line
            if progress is not None:
                progress(1)
    except csv.Error as err:
        out.file_errors.append(f"The CSV cannot be read after line {reader.line_num}: {err}.")
    if not out.rows and not out.file_errors:
        out.file_errors.append("The file has no rows under the column names.")
    return out


def _place(area: Area, referral: Referral, result: RowResult, cache: dict[str, Any]) -> None:
    raw = referral.details.postcode
    try:
        canonical = normalise_postcode(raw)
    except PostcodeError:
        result.errors.append(f"postcode: “{raw.strip()}” is not a full UK postcode, like N3 1AB.")
        return
    if canonical not in cache:
        try:
            cache[canonical] = places.place(canonical)
        except PostcodeError:
            cache[canonical] = None
    placement = cache[canonical]
    if placement is None:
        result.errors.append(f"postcode: we could not find {canonical}.")
    elif placement.area is None or placement.area.id != area.id:
        result.errors.append(f"postcode: {canonical} is not in {area.name}.")
    else:
        result.placement = placement


def run_import(
    area: Area,
    data: bytes,
    coordinator: Any,
    progress: Callable[[int], None] | None = None,
    client_address: str | None = None,
) -> tuple[Preview, ImportResult | None]:
    """Import every new row, or nothing when any row has a problem; one commit."""
    checked = preview(area, data, progress)
    if not checked.ok:
        return checked, None
    try:
        for row in checked.new_rows:
            assert row.referral is not None
            db.session.add(
                build_diner(row.referral, row.referral.details, row.placement, coordinator)
            )
        audit.record(
            "referrals_imported",
            area,
            area_id=area.id,
            actor=coordinator,
            client_address=client_address,
            added=len(checked.new_rows),
            skipped=checked.duplicates,
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return checked, ImportResult(len(checked.new_rows), checked.duplicates)


def summary(result: Preview, done: ImportResult | None) -> str:
    """The one-line summary: what was added, skipped, or why nothing was."""
    if done is not None:
        return (
            f"Imported {plural(done.added, 'new referral')}; "
            f"{plural(done.skipped, 'row')} already registered, skipped."
        )
    if result.file_errors:
        return "Nothing imported: " + " ".join(result.file_errors)
    bad = len(result.problem_rows)
    return f"Nothing imported: {bad} of {plural(len(result.rows), 'row')} have problems."


def problem_lines(result: Preview) -> list[str]:
    """Every problem in plain English, one per line: the file's, then each row's."""
    lines = list(result.file_errors)
    for row in result.problem_rows:
        who = f" ({row.name})" if row.name else ""
        lines.extend(f"Line {row.line}{who}: {error}" for error in row.errors)
    return lines


def area_and_coordinator(slug: str, email: str) -> tuple[Area, Any]:
    """The area and the coordinator (or admin) of it who imports; LookupError says what is wrong."""
    from sqlalchemy import func, select

    from casserole.access import can_see_area
    from casserole.models import Role, User

    area = db.session.scalar(select(Area).where(Area.slug == slug))
    if area is None:
        raise LookupError(f"There is no area called {slug!r}.")
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if (
        user is None
        or user.role not in (Role.COORDINATOR, Role.ADMIN)
        or not can_see_area(user, area.id)
    ):
        raise LookupError(f"{email} is not a coordinator of {area.name}.")
    return area, user


def _stash_dir() -> Path:
    return Path(current_app.instance_path) / "referral-imports"


def stash(data: bytes) -> str:
    """Keep an uploaded file until the coordinator confirms the import; returns its token."""
    token = hashlib.sha256(data).hexdigest()
    folder = _stash_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{token}.csv").write_bytes(data)
    return token


def unstash(token: str) -> bytes | None:
    """The file kept under `token`, or None when the token is malformed or unknown."""
    if not re.fullmatch(r"[0-9a-f]{64}", token or ""):
        return None
    path = _stash_dir() / f"{token}.csv"
    return path.read_bytes() if path.is_file() else None


def forget(token: str) -> None:
    """Remove a kept file once it has been imported."""
    if re.fullmatch(r"[0-9a-f]{64}", token or ""):
        (_stash_dir() / f"{token}.csv").unlink(missing_ok=True)
