"""Data rights: download everything held about a person, erase it, and apply retention.

Erasure anonymises rather than deletes: the rows of pairings and meal shares stay (with no
names, contact details, notes or exact places) so that area figures do not change.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from casserole.extensions import db
from casserole.geocoding import district_centroids
from casserole.models import (
    CookProfile,
    DinerProfile,
    EndReason,
    Feedback,
    MealShare,
    Pairing,
    PairingStatus,
    Role,
    User,
    utcnow,
)
from casserole.models.vocab import LIVE_STATUSES, OPEN_PROPOSAL_STATUSES, mask_to_days, mask_to_tags
from casserole.services import audit
from casserole.services.accounts import hash_password

ERASED_NAME = "Erased"


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _pairing(p: Pairing) -> dict[str, Any]:
    return {
        "id": p.id,
        "status": p.status.value,
        "cook_first_name": p.cook.user.first_name,
        "diner_first_name": p.diner.first_name,
        "distance_km": p.distance_km,
        "proposed_at": _iso(p.proposed_at),
        "started_at": _iso(p.started_at),
        "ended_at": _iso(p.ended_at),
        "end_reason": p.end_reason.value if p.end_reason else None,
        "meals": [
            {
                "date": _iso(m.shared_on),
                "dish": m.dish,
                "allergen_note": m.allergen_note,
                "confirmed_at": _iso(m.confirmed_at),
            }
            for m in p.meals
        ],
    }


def _account(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "role": user.role.value,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "created_at": _iso(user.created_at),
        "last_login_at": _iso(user.last_login_at),
    }


def export_diner(diner: DinerProfile) -> dict[str, Any]:
    """Everything held about one diner, as JSON-ready data."""
    pairings = db.session.scalars(
        select(Pairing).where(Pairing.diner_id == diner.id).order_by(Pairing.id)
    )
    feedback = db.session.scalars(
        select(Feedback).join(Pairing).where(Pairing.diner_id == diner.id).order_by(Feedback.id)
    )
    return {
        "name": diner.display_name,
        "birth_date": _iso(diner.birth_date),
        "phone": diner.phone,
        "address": {
            "line": diner.address_line,
            "postcode": diner.postcode,
            "latitude": diner.latitude,
            "longitude": diner.longitude,
            "precision": diner.geo_precision.value,
        },
        "area": diner.area.name if diner.area else None,
        "days_wanted": sorted(mask_to_days(diner.days_mask)),
        "dietary_needs": sorted(mask_to_tags(diner.needs_mask)),
        "allergies": diner.allergies,
        "likes": diner.likes,
        "dislikes": diner.dislikes,
        "access_notes": diner.access_notes,
        "contact_preference": diner.contact_preference,
        "carer": diner.carer.display_name if diner.carer else None,
        "carer_relationship": diner.carer_relationship,
        "consent": {
            "method": diner.consent_method.value if diner.consent_method else None,
            "at": _iso(diner.consent_at),
            "by": diner.consent_by.display_name if diner.consent_by else None,
        },
        "pairings": [_pairing(p) for p in pairings],
        "feedback": [
            {
                "rating": fb.rating,
                "comment": fb.comment,
                "concern": fb.is_concern,
                "at": _iso(fb.created_at),
            }
            for fb in feedback
        ],
    }


def export_user(user: User) -> dict[str, Any]:
    """Everything held about an account holder (and, for a carer, about their diners)."""
    data: dict[str, Any] = {"account": _account(user), "exported_at": _iso(utcnow())}
    if user.cook_profile is not None:
        cook = user.cook_profile
        data["cook_profile"] = {
            "address": {"line": cook.address_line, "postcode": cook.postcode},
            "days": sorted(cook.days),
            "can_cook": sorted(cook.can_cook),
            "capacity": cook.capacity,
            "max_km": cook.max_km,
            "introduction": cook.introduction,
            "paused": cook.paused,
            "checks": [
                {
                    "kind": c.kind.value,
                    "checked_on": _iso(c.checked_on),
                    "expires_on": _iso(c.expires_on),
                }
                for c in cook.checks
            ],
            "pairings": [
                _pairing(p)
                for p in db.session.scalars(
                    select(Pairing).where(Pairing.cook_id == cook.id).order_by(Pairing.id)
                )
            ],
        }
    own = db.session.scalar(select(DinerProfile).where(DinerProfile.user_id == user.id))
    if own is not None:
        data["diner_profile"] = export_diner(own)
    if user.role == Role.CARER:
        data["diners_you_look_after"] = [export_diner(d) for d in user.managed_diners]
    return data


def cared_for(person: User) -> list[DinerProfile]:
    """The diners `person` looks after as a carer and whose details are not erased."""
    if person.role != Role.CARER:
        return []
    return [d for d in person.managed_diners if d.erased_at is None]


def managed_diner(person: User, diner_id: int) -> DinerProfile | None:
    """A diner the carer `person` looks after (not erased); None for anyone else's."""
    if person.role != Role.CARER:
        return None
    return db.session.scalar(
        select(DinerProfile).where(
            DinerProfile.id == diner_id,
            DinerProfile.carer_id == person.id,
            DinerProfile.erased_at.is_(None),
        )
    )


def download_user(user: User) -> dict[str, Any]:
    """Everything about `user` for them to download; the download itself is audited."""
    audit.record("data_downloaded", user)
    data = export_user(user)
    db.session.commit()
    return data


def download_diner(diner: DinerProfile) -> dict[str, Any]:
    """Everything about a diner for their carer to download; the download is audited."""
    audit.record("diner_data_downloaded", diner)
    data = export_diner(diner)
    db.session.commit()
    return data


def _end_live(pairings_filter: Any, reason: EndReason, note: str) -> None:
    now = utcnow()
    db.session.execute(
        update(Pairing)
        .where(pairings_filter, Pairing.status.in_(LIVE_STATUSES))
        .values(status=PairingStatus.ENDED, ended_at=now, end_reason=reason, end_note=note)
    )
    db.session.execute(
        update(Pairing)
        .where(pairings_filter, Pairing.status.in_(OPEN_PROPOSAL_STATUSES))
        .values(status=PairingStatus.DECLINED, declined_at=now, decline_reason=note)
    )


def _anonymise_account(user: User) -> None:
    user.email = f"erased-{user.id}-{secrets.token_hex(4)}@erased.invalid"
    user.first_name, user.last_name, user.phone = ERASED_NAME, "", None
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.is_active_account = False
    user.session_version += 1
    user.erased_at = utcnow()


def _anonymise_diner(diner: DinerProfile) -> None:
    """Keep district, area and a birth year (for the over-80 share); drop the rest."""
    lat, lon = district_centroids().get(diner.outcode, (diner.latitude, diner.longitude))
    diner.first_name, diner.last_name, diner.phone = ERASED_NAME, "", None
    diner.address_line, diner.postcode = "", diner.outcode
    diner.latitude, diner.longitude = lat, lon
    if diner.birth_date is not None:
        diner.birth_date = date(diner.birth_date.year, 7, 1)
    diner.allergies = diner.likes = diner.dislikes = diner.access_notes = ""
    diner.contact_preference = diner.carer_relationship = ""
    diner.needs_mask = 0
    diner.consent_at = None  # no consent, no matching
    diner.erased_at = utcnow()
    db.session.execute(
        update(Feedback)
        .where(Feedback.pairing_id.in_(select(Pairing.id).where(Pairing.diner_id == diner.id)))
        .values(comment="")
    )


def erase_diner(diner: DinerProfile, actor: User) -> None:
    """Erase a diner's personal data (asked by them or their carer); figures stay the same."""
    _end_live(Pairing.diner_id == diner.id, EndReason.OTHER, "Personal data erased on request")
    _anonymise_diner(diner)
    if diner.user is not None:
        _anonymise_account(diner.user)
    audit.record("diner_erased", diner, actor=actor)
    db.session.commit()


def erase_user(user: User) -> None:
    """Erase an account holder's own data: their account, and their cook or diner profile."""
    if user.cook_profile is not None:
        cook: CookProfile = user.cook_profile
        _end_live(
            Pairing.cook_id == cook.id,
            EndReason.COOK_UNAVAILABLE,
            "Personal data erased on request",
        )
        lat, lon = district_centroids().get(cook.outcode, (cook.latitude, cook.longitude))
        cook.address_line, cook.postcode = "", cook.outcode
        cook.latitude, cook.longitude = lat, lon
        cook.introduction, cook.availability_note, cook.paused = "", "", True
    own = db.session.scalar(select(DinerProfile).where(DinerProfile.user_id == user.id))
    if own is not None:
        _end_live(Pairing.diner_id == own.id, EndReason.OTHER, "Personal data erased on request")
        _anonymise_diner(own)
    audit.record("account_erased", user, actor=user)
    _anonymise_account(user)
    db.session.commit()


def apply_retention(days: int) -> int:
    """Clear notes and comments of pairings that ended more than `days` ago; returns how many."""
    cutoff = utcnow() - timedelta(days=days)
    ids = list(
        db.session.scalars(
            select(Pairing.id).where(
                Pairing.status == PairingStatus.ENDED, Pairing.ended_at < cutoff
            )
        )
    )
    if ids:
        db.session.execute(
            update(Pairing)
            .where(Pairing.id.in_(ids))
            .values(end_note="", override_reason="", decline_reason="")
        )
        db.session.execute(update(Feedback).where(Feedback.pairing_id.in_(ids)).values(comment=""))
        db.session.execute(
            update(MealShare).where(MealShare.pairing_id.in_(ids)).values(allergen_note="")
        )
    db.session.commit()
    return len(ids)
