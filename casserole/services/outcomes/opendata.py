"""Open data: the anonymised pairings CSV for the public, its CSV on the Web metadata and licence.

The rows are `anonymised.release` (the disclosure rule); this module only writes them out.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from casserole.models import Area
from casserole.services import anonymised, disclosure

LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


def csv_name(area: Area) -> str:
    """The file name of the area's CSV (the metadata refers to it by this name)."""
    return f"{area.slug}-pairings.csv"


def pairings_csv(area: Area) -> tuple[str, disclosure.Release]:
    """The area's anonymised pairings as CSV text, numbered in random order, and the release."""
    result = anonymised.release(area)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["record", *result.columns])
    for number, row in enumerate(result.rows, start=1):
        writer.writerow([number, *row])
    return out.getvalue(), result


def release(area: Area) -> disclosure.Release:
    """The released rows (for the API): the same rule and rows as the CSV."""
    return anonymised.release(area)


def metadata(area: Area, csv_url: str) -> dict[str, Any]:
    """CSV on the Web (W3C) metadata: the data dictionary, the licence and the disclosure rule."""
    levels = anonymised.release(area).levels
    columns: list[dict[str, Any]] = [
        {
            "name": "record",
            "titles": "record",
            "dc:description": anonymised.DICTIONARY["record"],
            "datatype": "integer",
            "required": True,
        }
    ]
    for name, meaning in anonymised.DICTIONARY.items():
        if name == "record":
            continue
        columns.append(
            {
                "name": name,
                "titles": name,
                "dc:description": f"{meaning} Released as: {levels.get(name, 'as above')}.",
                "datatype": "string",
            }
        )
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "url": csv_url,
        "dc:title": f"Casserole: anonymised pairings, {area.name}",
        "dc:description": "One row per pairing that started. " + disclosure.RULE,
        "dc:license": {"@id": LICENCE_URL},
        "dc:rights": LICENCE_NAME,
        "dc:publisher": "Casserole",
        "tableSchema": {"columns": columns, "primaryKey": "record"},
    }
