"""Reading the audit trail: one page of events, newest first, optionally one action only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Row, func, select

from casserole.extensions import db
from casserole.models import AuditEvent, User

PER_PAGE = 50


@dataclass(frozen=True)
class AuditPage:
    """One page of the trail: (event, actor e-mail) rows, the total and the actions to filter by."""

    rows: list[Row[tuple[AuditEvent, str | None]]]
    page: int
    per_page: int
    total: int
    action: str
    actions: list[str]


def audit_page(action: str = "", page: int = 1, per_page: int = PER_PAGE) -> AuditPage:
    """The events of page `page` (from 1), newest first, limited to `action` when given."""
    page = max(1, page)
    query = select(AuditEvent, User.email).outerjoin(User, User.id == AuditEvent.actor_id)
    count = select(func.count()).select_from(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
        count = count.where(AuditEvent.action == action)
    rows = db.session.execute(
        query.order_by(AuditEvent.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    return AuditPage(
        rows=list(rows),
        page=page,
        per_page=per_page,
        total=db.session.scalar(count) or 0,
        action=action,
        actions=list(actions),
    )
