"""Bulk inserts for the city-scale demo: batches of plain rows, no ORM objects."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import insert

from casserole.extensions import db

T = TypeVar("T")


def batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert_returning_ids(
    model: Any, rows: Sequence[dict[str, Any]], progress: Callable[[int], None] | None
) -> list[int]:
    """Bulk insert in batches, returning primary keys in input order."""
    ids: list[int] = []
    for chunk in batches(rows, 5000):
        stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
        ids.extend(db.session.scalars(stmt, list(chunk)).all())
        if progress:
            progress(len(chunk))
    return ids


def insert_rows(
    model: Any,
    rows: Iterable[dict[str, Any]],
    progress: Callable[[int], None] | None,
    size: int = 20000,
) -> None:
    """Bulk insert without reading anything back (the fast path for meal shares)."""
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            db.session.execute(insert(model.__table__), chunk)
            if progress:
                progress(len(chunk))
            chunk = []
    if chunk:
        db.session.execute(insert(model.__table__), chunk)
        if progress:
            progress(len(chunk))
