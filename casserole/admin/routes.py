"""The audit trail, readable by admins only and editable by nobody."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from casserole.access import roles_required
from casserole.extensions import db
from casserole.models import AuditEvent, Role, User
from casserole.pagination import page_number, paginate

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50


@bp.route("/audit")
@roles_required(Role.ADMIN)
def audit_trail() -> str:
    """Newest first, filterable by action, paginated."""
    page = page_number()
    action = (request.args.get("action") or "").strip()[:60]
    query = select(AuditEvent, User.email).outerjoin(User, User.id == AuditEvent.actor_id)
    count = select(func.count()).select_from(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
        count = count.where(AuditEvent.action == action)
    found = paginate(query.order_by(AuditEvent.id.desc()), page, PER_PAGE, count=count)
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    return render_template("admin/audit.html", page=found, action=action, actions=list(actions))


# Registers the scheme set-up views on bp (imported last: they import bp from here).
from casserole.admin import scheme  # noqa: E402, F401
