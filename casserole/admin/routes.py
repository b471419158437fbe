"""The audit trail, readable by admins only and editable by nobody."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from casserole.access import roles_required
from casserole.models import Role
from casserole.pagination import page_number
from casserole.services.audit_trail import audit_actions, audit_page

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/audit")
@roles_required(Role.ADMIN)
def audit_trail() -> str:
    """Newest first, filterable by action, paginated."""
    page = page_number()
    action = (request.args.get("action") or "").strip()[:60]
    return render_template(
        "admin/audit.html", page=audit_page(action, page), action=action, actions=audit_actions()
    )
