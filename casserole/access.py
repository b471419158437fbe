"""Access rules shared by every blueprint: who may see which records."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from casserole.models import Role

F = TypeVar("F", bound=Callable[..., Any])


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Only logged-in people with one of `roles` may use the view; others get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403, description="This page is not available for your account.")
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def area_ids_for(user: Any) -> set[int] | None:
    """Areas a coordinator may see; None means every area (admin); empty for everyone else."""
    if user.role == Role.ADMIN:
        return None
    if user.role == Role.COORDINATOR:
        return {a.id for a in user.areas}
    return set()


def can_see_area(user: Any, area_id: int | None) -> bool:
    """True when `user` coordinates `area_id` (or is an admin)."""
    allowed = area_ids_for(user)
    return allowed is None or (area_id is not None and area_id in allowed)
