"""The audit trail: append-only records of who did or saw what, and when.

An event holds record numbers and code words, never names or free text: whatever a person
wrote stays on its own record (a pause, a meal, a pairing), where erasure and retention can
reach it, and the trail never needs editing. `record` refuses anything else.
"""

from __future__ import annotations

import enum
import re
from typing import Any

from casserole.extensions import db
from casserole.models import AuditEvent

# Code words ("cook", "active", "pause_id") and postcode districts ("N3"): no spaces, no
# capitalised words, nothing long enough to carry a sentence or an e-mail address.
_CODE = re.compile(r"[a-z0-9_.]{1,40}|[A-Z]{1,2}[0-9][0-9A-Z]?")


def _detail_value(key: str, value: Any) -> int | float | bool | str:
    """A detail value as stored; ValueError for text that could hold a person's words."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, str) and _CODE.fullmatch(value):
        return value
    raise ValueError(
        f"audit detail {key!r} must be a record number or a code word, not {type(value).__name__}"
        " text (keep what people write on its own record)"
    )


def record(
    action: str,
    subject: Any = None,
    *,
    actor: Any,
    client_address: str | None,
    area_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event to the session; it commits with the change (or view) it records.

    `actor` is the person who acted (None for the system) and `client_address` the address
    their request came from (None outside a request): both are passed in by the view or
    command that knows them, never read from request globals here.
    """
    values = {k: _detail_value(k, v) for k, v in detail.items() if v is not None}
    if client_address:
        values["ip"] = client_address
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        subject_type=type(subject).__name__ if subject is not None else "",
        subject_id=getattr(subject, "id", None),
        area_id=area_id if area_id is not None else getattr(subject, "area_id", None),
        detail=values,
    )
    db.session.add(event)
    return event


def commit_view() -> None:
    """Commit a view's audit event before the page is shown, keeping what it already read.

    A page view writes nothing but its audit event, so the rows the page loaded are as
    current after this commit as before; expiring them (the session's default) would only
    make the page read the same rows again, a query each, on every view of a diner's page.
    """
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
