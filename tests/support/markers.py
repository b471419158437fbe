"""Markers for erasure and retention tests: write a unique string, then look for it in every text column."""

from __future__ import annotations

import secrets

from sqlalchemy import JSON, Enum, String, inspect, text

from casserole.extensions import db
from casserole.models import Base


def marker(prefix: str) -> str:
    """A short unique marker (eight characters: fits the shortest text column a person fills)."""
    # Eight characters: fits the shortest text column a person fills in (a postcode).
    return prefix + secrets.token_hex(3)[:5]


def text_columns_in_metadata() -> list[tuple[str, str]]:
    """(table, column) of every free-text column the models declare (enums are closed)."""
    return [
        (table.name, column.name)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, String | JSON) and not isinstance(column.type, Enum)
    ]


def text_columns_in_database() -> list[tuple[str, str]]:
    """(table, column) of every text-like column of every table the database really has."""
    inspector = inspect(db.engine)
    return [
        (table, column["name"])
        for table in inspector.get_table_names()
        for column in inspector.get_columns(table)
        if isinstance(column["type"], String | JSON)
    ]


def holding(marker: str, columns: list[tuple[str, str]]) -> set[str]:
    """The "table.column" names where `marker` appears in any row (case-insensitive)."""
    db.session.commit()
    quote = db.engine.dialect.identifier_preparer.quote
    found = set()
    for table, column in columns:
        sql = (
            f"SELECT COUNT(*) FROM {quote(table)} "
            f"WHERE LOWER(CAST({quote(column)} AS TEXT)) LIKE :pattern"
        )
        if db.session.scalar(text(sql), {"pattern": f"%{marker.lower()}%"}):
            found.add(f"{table}.{column}")
    return found
