"""Data rights: download everything held about a person; erasure and retention live in
`erasure` and `retention` and are re-exported here for the views and commands."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from casserole.extensions import db
from casserole.models import DinerProfile, Feedback, Pairing, Role, User, utcnow
from casserole.models.casework import CaseLogEntry
from casserole.models.vocab import CASE_LOG_LABELS, mask_to_allergens, mask_to_days, mask_to_tags
from casserole.services import audit
from casserole.services.erasure import erase_diner, erase_user
from casserole.services.retention import apply_retention


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
                "allergens": sorted(mask_to_allergens(m.allergen_mask)),
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


def _case_log(*where: Any) -> list[dict[str, Any]]:
    """The coordinators' notes about a person: theirs to read under a subject access request."""
    entries = db.session.scalars(select(CaseLogEntry).where(*where).order_by(CaseLogEntry.id))
    return [
        {
            "kind": CASE_LOG_LABELS[e.kind],
            "at": _iso(e.created_at),
            "by": e.author.display_name if e.author else None,
            "note": e.body,
        }
        for e in entries
    ]


def export_diner(diner: DinerProfile, *, own: bool = True) -> dict[str, Any]:
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
        "allergens": sorted(mask_to_allergens(diner.allergen_mask)),
        "allergies": diner.allergies,
        "max_km": diner.max_km,
        "likes": diner.likes,
        "dislikes": diner.dislikes,
        "access_notes": diner.access_notes,
        "contact_preference": diner.contact_preference,
        "carer": diner.carer.display_name if diner.carer else None,
        "carer_relationship": diner.carer_relationship,
        "preferred_contact": diner.preferred_contact.value if diner.preferred_contact else None,
        "emergency_contact": {
            "name": diner.emergency_contact_name,
            "phone": diner.emergency_contact_phone,
        },
        "referral": {
            "referred_by": diner.referrer_kind.value if diner.referrer_kind else None,
            "referrer_name": diner.referrer_name,
            "referrer_organisation": diner.referrer_organisation,
            "referrer_contact": diner.referrer_contact,
        },
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
        # A carer's download leaves out the coordinators' notes: they may be about the carer
        # (a safeguarding worry), which a subject access request may withhold from a third party.
        **({"case_log": _case_log(CaseLogEntry.diner_id == diner.id)} if own else {}),
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
            "keeps_out": sorted(cook.keeps_out),
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
            "case_log": _case_log(CaseLogEntry.cook_id == cook.id),
        }
    own = db.session.scalar(select(DinerProfile).where(DinerProfile.user_id == user.id))
    if own is not None:
        data["diner_profile"] = export_diner(own)
    if user.role == Role.CARER:
        data["diners_you_look_after"] = [export_diner(d, own=False) for d in user.managed_diners]
        data["case_log"] = _case_log(CaseLogEntry.carer_id == user.id)
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


def download_user(user: User, client_address: str | None) -> dict[str, Any]:
    """Everything about `user` for them to download; the download itself is audited."""
    audit.record("data_downloaded", user, actor=user, client_address=client_address)
    data = export_user(user)
    db.session.commit()
    return data


def download_diner(diner: DinerProfile, actor: User, client_address: str | None) -> dict[str, Any]:
    """Everything about a diner for their carer to download; the download is audited."""
    audit.record("diner_data_downloaded", diner, actor=actor, client_address=client_address)
    data = export_diner(diner, own=diner.user_id == actor.id)
    db.session.commit()
    return data


__all__ = [
    "apply_retention",
    "cared_for",
    "download_diner",
    "download_user",
    "erase_diner",
    "erase_user",
    "export_diner",
    "export_user",
    "managed_diner",
]
