"""The one clock: the current instant in UTC, and "today" as people in the UK count it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

# Every date a person sees or acts on (meal days, "waiting since", expiry) is a UK date:
# at 00:30 BST it is already tomorrow for the diner, although UTC still says today.
LOCAL_ZONE = ZoneInfo("Europe/London")


def now() -> datetime:
    """The current time as an aware UTC datetime (what is stored)."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in Europe/London (what people see)."""
    return local_date(now())


def local_date(moment: datetime) -> date:
    """The Europe/London calendar date of an aware instant."""
    return moment.astimezone(LOCAL_ZONE).date()


def local_time(moment: datetime) -> datetime:
    """An aware instant as Europe/London wall-clock time (for "opened at 14:05")."""
    return moment.astimezone(LOCAL_ZONE)
