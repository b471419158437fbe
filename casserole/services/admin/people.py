"""Admins and coordinators: create the first admin, invite coordinators, areas, deactivation."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from casserole.extensions import db
from casserole.models import Area, Role, User
from casserole.services import audit, mail
from casserole.services.accounts import (
    INVITE_MAX_AGE_SECONDS,
    FieldError,
    email_taken,
    hash_password,
    name_problem,
    normalise_email,
    set_password_link,
)


class LastAdmin(ValueError):
    """The scheme would be left with no active admin."""


@dataclass(frozen=True)
class Invited:
    """A new account and the one-time link that lets its owner choose a password."""

    user: User
    link: str


def _new_account(email: str, role: Role, first: str, last: str) -> User:
    """An account nobody can log in to until the link sets a password (random unknown hash)."""
    user = User(
        email=email,
        role=role,
        first_name=first,
        last_name=last,
        password_hash=hash_password(secrets.token_urlsafe(32)),
    )
    db.session.add(user)
    db.session.flush()
    return user


def _checked_email(raw: str) -> str:
    email = normalise_email(raw or "")
    if "@" not in email or len(email) > 254:
        raise FieldError("email", "Enter an e-mail address, like name@example.org.")
    if email_taken(email):
        raise FieldError("email", "An account with that e-mail address already exists.")
    return email


def create_admin(raw_email: str) -> Invited:
    """A new admin (the command line's `create-admin`); refuses an address already taken."""
    email = _checked_email(raw_email)
    user = _new_account(email, Role.ADMIN, email.split("@")[0][:80], "")
    audit.record("admin.created", user, actor=None, client_address=None)
    db.session.commit()
    return Invited(user, set_password_link(user))


def _areas(ids: list[int]) -> list[Area]:
    areas = list(db.session.scalars(select(Area).where(Area.id.in_(ids)).order_by(Area.name)))
    if len(areas) != len(set(ids)):
        raise FieldError("areas", "Choose areas from the list.")
    return areas


def invite_coordinator(
    actor: Any,
    raw_email: str,
    first: str,
    last: str,
    area_ids: list[int],
    client_address: str | None = None,
) -> Invited:
    """Create a coordinator for some areas and e-mail them a signed, single-use link."""
    problems = {}
    for name, value in (("first_name", first), ("last_name", last)):
        problem = name_problem(value) if value or name == "first_name" else None
        if problem:
            problems[name] = problem
    try:
        email = _checked_email(raw_email)
    except FieldError as err:
        problems.update(err.errors)
    if problems:
        raise FieldError(errors=problems)
    areas = _areas(area_ids)
    user = _new_account(email, Role.COORDINATOR, first.strip(), (last or "").strip())
    user.areas = areas
    link = set_password_link(user)
    mail.queue_email(
        email,
        "You are invited to coordinate Casserole",
        "coordinator_invite",
        kind="coordinator_invite",
        name=user.first_name,
        areas=", ".join(a.name for a in areas) or "no area yet",
        link=link,
        days=INVITE_MAX_AGE_SECONDS // 86400,
    )
    audit.record(
        "coordinator.invited", user, actor=actor, client_address=client_address, areas=len(areas)
    )
    db.session.commit()
    mail.dispatch()
    return Invited(user, link)


def coordinators() -> list[User]:
    """Every coordinator with their areas, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == Role.COORDINATOR, User.erased_at.is_(None))
            .order_by(User.search_name, User.id)
        )
    )


def set_areas(
    actor: Any, coordinator: User, area_ids: list[int], client_address: str | None = None
) -> None:
    """Give or take away areas: the coordinator sees exactly these from now on."""
    if coordinator.role != Role.COORDINATOR:
        raise FieldError("areas", "Only coordinators have areas.")
    coordinator.areas = _areas(area_ids)
    audit.record(
        "coordinator.areas",
        coordinator,
        actor=actor,
        client_address=client_address,
        areas=len(coordinator.areas),
    )
    db.session.commit()


def _active_admins() -> int:
    return db.session.scalar(
        select(func.count()).where(User.role == Role.ADMIN, User.is_active_account.is_(True))
    )


def set_active(actor: Any, user: User, active: bool, client_address: str | None = None) -> None:
    """Deactivate (or reactivate) any account; the last active admin cannot be deactivated."""
    if not active and user.role == Role.ADMIN and user.is_active_account and _active_admins() <= 1:
        raise LastAdmin("This is the last admin: make another admin before deactivating it.")
    user.is_active_account = active
    if not active:
        user.session_version += 1  # a deactivated account's sessions end at once
    audit.record(
        "account.active" if active else "account.deactivated",
        user,
        actor=actor,
        client_address=client_address,
    )
    db.session.commit()


def find_accounts(query: str, limit: int = 50) -> list[User]:
    """Accounts whose e-mail or name contains `query` (admins look anyone up)."""
    q = (query or "").strip().lower()
    stmt = select(User).where(User.erased_at.is_(None)).order_by(User.email).limit(limit)
    if q:
        like = f"%{q.replace('%', '').replace('_', '')}%"
        stmt = stmt.where((func.lower(User.email).like(like)) | User.search_name.like(like))
    return list(db.session.scalars(stmt))


def account(user_id: int) -> User | None:
    """An account that has not been erased, or None."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.erased_at is None else None
