"""The data migration that takes free text out of old audit events and finishes old erasures."""

from __future__ import annotations

import json

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from casserole import clock
from casserole.extensions import db
from casserole.models import AuditEvent, MealShare, PairingPause, PairingStatus, utcnow
from tests.support import factories as f

BEFORE = "5c1e2b7d9a40"  # the revision before the audit clean-up


def _insert_event(action: str, detail: dict) -> None:
    db.session.execute(
        text(
            "INSERT INTO audit_events (at, action, subject_type, detail) VALUES (:at, :a, '', :d)"
        ),
        {"at": utcnow().replace(tzinfo=None), "a": action, "d": json.dumps(detail)},
    )


def test_old_audit_text_and_half_erased_people_are_cleaned_on_upgrade(app, database):
    area = f.area()
    erased = f.diner(area, first_name="Erased", erased_at=utcnow())
    kept = f.diner(area, first_name="Olive")
    cook = f.cook(area)
    gone = f.pairing(cook, erased, PairingStatus.ENDED, end_note="Edna went into care")
    live = f.pairing(cook, kept, PairingStatus.ACTIVE)
    for pairing, words in ((gone, "Edna broke a hip"), (live, "Olive visits her son")):
        f.database_add(PairingPause(pairing_id=pairing.id, reason=words))
        f.database_add(MealShare(pairing_id=pairing.id, shared_on=clock.today(), dish=words))
    database.session.commit()
    with app.app_context():
        downgrade(revision=BEFORE)
        _insert_event("pairing.pause", {"side": "diner", "reason": "Edna broke a hip"})
        _insert_event("pairing.end", {"reason": "health", "note": "Edna went into care"})
        _insert_event("pairing.propose_by_hand", {"overridden": ["a", "b"], "override_reason": "x"})
        _insert_event("diner_details_viewed", {"pairing_id": 3, "address": True})
        db.session.commit()
        upgrade()
    details = database.session.scalars(select(AuditEvent.detail).order_by(AuditEvent.id)).all()
    assert details == [
        {"side": "diner"},
        {"reason": "health"},
        {"overridden": 2},
        {"pairing_id": 3, "address": True},
    ]
    reasons = dict(
        database.session.execute(select(PairingPause.pairing_id, PairingPause.reason)).all()
    )
    dishes = dict(database.session.execute(select(MealShare.pairing_id, MealShare.dish)).all())
    assert reasons == {gone.id: "", live.id: "Olive visits her son"}
    assert dishes == {gone.id: "", live.id: "Olive visits her son"}
    database.session.refresh(gone)
    assert gone.end_note == ""
