"""Bulk inserts for the city-scale demo: batches of plain rows, no ORM objects."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import insert, text

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


def refresh_statistics() -> None:
    """Tell the database's planner what a bulk load just added.

    Without fresh statistics PostgreSQL plans the first minutes after a load (until
    autovacuum's next analyze) as if the tables were empty: nested loops over 50,000 rows,
    a coordinator's home page at 300 ms instead of 30. VACUUM also fills the visibility map,
    so counts can come from indexes alone.
    """
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE)"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
