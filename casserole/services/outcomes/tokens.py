"""API tokens: issued by an admin per area with an expiry, kept as a SHA-256, revocable."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from casserole import clock
from casserole.extensions import db
from casserole.models import ApiToken, Area
from casserole.services import audit

MAX_DAYS = 366


def hash_token(raw: str) -> str:
    """The stored form of a token."""
    # A token is 32 random bytes: a plain SHA-256 is enough (nothing to guess or stretch).
    return hashlib.sha256(raw.encode()).hexdigest()


def fingerprint(raw: str) -> str:
    """A short stand-in for a presented token (rate-limit keys never hold the token itself)."""
    return hash_token(raw)[:16]


@dataclass(frozen=True)
class Issued:
    """A new token: the record, and the raw value shown to the admin once."""

    token: ApiToken
    raw: str


def issue(
    area: Area, label: str, days: int, actor: Any, client_address: str | None = None
) -> Issued:
    """Make a token for `area` valid for `days` days; one commit. ValueError for bad input."""
    label = (label or "").strip()
    if not label or len(label) > 80:
        raise ValueError("Give the token a name of up to 80 characters.")
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"A token lasts between 1 and {MAX_DAYS} days.")
    raw = "cas_" + secrets.token_urlsafe(32)
    token = ApiToken(
        area_id=area.id,
        label=label,
        token_hash=hash_token(raw),
        prefix=raw[:12],
        expires_at=clock.now() + timedelta(days=days),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        "api_token.issued",
        token,
        area_id=area.id,
        actor=actor,
        client_address=client_address,
        days=days,
    )
    db.session.commit()
    return Issued(token, raw)


def revoke(token_id: int, actor: Any, client_address: str | None = None) -> ApiToken | None:
    """Revoke a token (None if there is no such token); one commit."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        return None
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        audit.record(
            "api_token.revoked",
            token,
            area_id=token.area_id,
            actor=actor,
            client_address=client_address,
        )
        db.session.commit()
    return token


def find(raw: str, now: datetime | None = None) -> ApiToken | None:
    """The usable token with this value, or None (unknown, expired or revoked)."""
    if not raw:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None or not token.is_usable(now or clock.now()):
        return None
    return token


def all_tokens() -> list[ApiToken]:
    """Every token, newest first, for the admin's page."""
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc())))
