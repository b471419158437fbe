"""Import full-postcode positions (ONS Postcode Directory or Code-Point Open CSV files)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from casserole.errors import PostcodeError
from casserole.extensions import db
from casserole.geocoding import normalise_postcode
from casserole.models import PostcodeLocation

BATCH = 5000
# ONSPD marks postcodes with no grid reference with this latitude.
_ONSPD_NO_GRID_LAT = 99.999999


@dataclass
class ImportSummary:
    """What an import did."""

    imported: int = 0
    skipped: int = 0
    layout: str = ""


def _rows_onspd(reader: csv.DictReader[str]) -> Iterator[tuple[str, float, float] | None]:
    """Rows of an ONSPD-style file with a header naming postcode, lat and long columns."""
    fields = {name.lower(): name for name in reader.fieldnames or []}
    pc = next(fields[k] for k in ("pcds", "pcd", "pcd7", "pcd8", "postcode") if k in fields)
    lat = next(fields[k] for k in ("lat", "latitude") if k in fields)
    lon = next(fields[k] for k in ("long", "lon", "longitude") if k in fields)
    for row in reader:
        try:
            latitude, longitude = float(row[lat]), float(row[lon])
        except (TypeError, ValueError):
            yield None
            continue
        if latitude == _ONSPD_NO_GRID_LAT:
            yield None
            continue
        yield row[pc], latitude, longitude


def _rows_codepoint(reader: Iterator[list[str]]) -> Iterator[tuple[str, float, float] | None]:
    """Rows of a Code-Point Open file: no header; postcode, quality, eastings, northings, ..."""
    from pyproj import Transformer

    # British National Grid (OSGB36) to WGS84: the only way from Code-Point to lat/lon.
    to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    for row in reader:
        try:
            easting, northing = float(row[2]), float(row[3])
        except (IndexError, ValueError):
            yield None
            continue
        if easting == 0 and northing == 0:
            yield None
            continue
        lon, lat = to_wgs84.transform(easting, northing)
        yield row[0], lat, lon


def import_postcodes(path: Path, progress: Callable[[int], None] | None = None) -> ImportSummary:
    """Upsert every well-formed row of `path`; `progress` gets bytes read as it goes."""
    summary = ImportSummary()
    table = PostcodeLocation.__table__
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        first = text.readline()
        text.seek(0)
        has_header = any(c.isalpha() and c.islower() for c in first) or "lat" in first.lower()
        if has_header:
            summary.layout = "ONSPD"
            rows: Iterator[tuple[str, float, float] | None] = _rows_onspd(csv.DictReader(text))
        else:
            summary.layout = "Code-Point Open"
            rows = _rows_codepoint(csv.reader(text))
        batch: dict[str, dict[str, object]] = {}
        last_pos = 0

        def flush() -> None:
            nonlocal last_pos
            if batch:
                stmt = insert(table).values(list(batch.values()))
                stmt = stmt.on_conflict_do_update(
                    index_elements=[table.c.postcode],
                    set_={"latitude": stmt.excluded.latitude, "longitude": stmt.excluded.longitude},
                )
                db.session.execute(stmt)
                db.session.commit()
                batch.clear()
            if progress is not None:
                pos = raw.tell()
                progress(pos - last_pos)
                last_pos = pos

        for row in rows:
            if row is None:
                summary.skipped += 1
                continue
            try:
                canonical = normalise_postcode(row[0])
            except PostcodeError:
                summary.skipped += 1
                continue
            if not (-90 <= row[1] <= 90 and -180 <= row[2] <= 180):
                summary.skipped += 1
                continue
            key = canonical.replace(" ", "")
            batch[key] = {"postcode": key, "latitude": row[1], "longitude": row[2]}
            summary.imported += 1
            if len(batch) >= BATCH:
                flush()
        flush()
    return summary
