"""The coordinator blueprint and what every console view shares: the role gate and the area."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from casserole.access import roles_required
from casserole.models import Area, Role
from casserole.services.coordinator import scope

bp = Blueprint("coordinator", __name__, url_prefix="/coordinator")
coordinators_only = roles_required(Role.COORDINATOR, Role.ADMIN)


def area_or_404(slug: str) -> Area:
    """The area in the URL, or 404 when it does not exist or is not the coordinator's."""
    area = scope.area_for(current_user, slug)
    if area is None:
        abort(404, description="We could not find that area among yours.")
    return area
