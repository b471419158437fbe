"""Reading the audit trail: one page of events, newest first, optionally one action only."""

from __future__ import annotations

from sqlalchemy import func, select

from casserole.extensions import db
from casserole.models import AuditEvent, User
from casserole.pagination import Page, paginate

PER_PAGE = 50


def audit_page(action: str = "", page: int = 1, per_page: int = PER_PAGE) -> Page:
    """The events of page `page` (from 1) as (event, actor e-mail) rows, newest first."""
    query = select(AuditEvent, User.email).outerjoin(User, User.id == AuditEvent.actor_id)
    count = select(func.count()).select_from(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
        count = count.where(AuditEvent.action == action)
    return paginate(query.order_by(AuditEvent.id.desc()), page, per_page, count=count)


def audit_actions() -> list[str]:
    """Every action the trail holds, for the filter."""
    actions = select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    return list(db.session.scalars(actions))
