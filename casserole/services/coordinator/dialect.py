"""What differs between SQLite and PostgreSQL: day numbers, epoch seconds, max, raw values."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Date, Float, cast, func

from casserole.extensions import db


def is_sqlite() -> bool:
    """True when the session's database is SQLite (tests, small installs)."""
    return db.engine.dialect.name == "sqlite"


def day_number(expr: Any) -> Any:
    """A date or timestamp as a whole day count, comparable across rows, on both engines."""
    if is_sqlite():
        return func.julianday(func.date(expr))
    return func.extract("epoch", cast(expr, Date)) / 86400


def epoch_seconds(expr: Any) -> Any:
    """A stored UTC timestamp as seconds since 1970, computed by the database."""
    if is_sqlite():
        return (func.julianday(expr) - 2440587.5) * 86400.0
    return cast(func.extract("epoch", expr), Float)


def greatest(*exprs: Any) -> Any:
    """The largest of several non-null expressions (SQLite's scalar max, PostgreSQL greatest)."""
    if is_sqlite():
        return func.max(*exprs)
    return func.greatest(*exprs)


def utc_from_cursor(value: Any) -> datetime | None:
    """A stored timestamp as the driver's cursor gives it (SQLite text, PostgreSQL a naive
    datetime), as an aware UTC datetime: what the column type would give, without its cost."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC)


def date_from_cursor(value: Any) -> date | None:
    """A stored date as the driver's cursor gives it (SQLite text, PostgreSQL a date)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)
