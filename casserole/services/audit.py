"""The audit trail: append-only records of who did or saw what, and when."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from casserole.extensions import db
from casserole.models import AuditEvent


def record(
    action: str,
    subject: Any = None,
    *,
    area_id: int | None = None,
    actor: Any = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event to the session; it commits with the change (or view) it records."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    if has_request_context():
        detail.setdefault("ip", request.remote_addr)
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        subject_type=type(subject).__name__ if subject is not None else "",
        subject_id=getattr(subject, "id", None),
        area_id=area_id if area_id is not None else getattr(subject, "area_id", None),
        detail={k: v for k, v in detail.items() if v is not None},
    )
    db.session.add(event)
    return event
