"""Data rights: download everything, erase personal details, keep anonymous figures intact."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import func, select

from casserole import clock
from casserole.models import AuditEvent, Feedback, MealShare, Pairing, PairingStatus, Role, utcnow
from casserole.models.casework import CaseLogEntry
from casserole.models.vocab import CaseLogKind
from casserole.services import rights
from tests.support import factories as f


def _carer_world():
    area = f.area()
    carer = f.user(Role.CARER, email="daughter@example.org", first_name="Ruth")
    edna = f.diner(
        area,
        carer=carer,
        first_name="Edna",
        last_name="Jones",
        address_line="7 Elm Road",
        access_notes="Knock loudly",
        phone="020 7946 0001",
        birth_date=date(1938, 3, 14),
    )
    cook = f.cook(area, user=f.user(Role.COOK, first_name="Priya"))
    pairing = f.pairing(cook, edna, PairingStatus.ACTIVE, distance_km=0.8)
    for k in range(3):
        f.database_add(
            MealShare(pairing=pairing, shared_on=clock.today() - timedelta(days=7 * k), dish="Stew")
        )
    f.database_add(Feedback(pairing=pairing, rating=5, comment="Edna loved it, says Ruth"))
    return area, carer, edna, cook, pairing


def test_carer_downloads_their_diners_data_as_json(client, auth):
    _, _, edna, _, _ = _carer_world()
    auth.login("daughter@example.org")
    response = client.get(f"/my-data/diners/{edna.id}/download")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.get_data(as_text=True))
    assert data["name"] == "Edna Jones" and data["address"]["line"] == "7 Elm Road"
    assert data["access_notes"] == "Knock loudly"
    assert len(data["pairings"][0]["meals"]) == 3
    assert data["feedback"][0]["comment"] == "Edna loved it, says Ruth"


def test_own_download_for_a_carer_includes_their_diners(client, auth):
    _carer_world()
    auth.login("daughter@example.org")
    data = client.get("/my-data/download").get_json()
    assert data["account"]["email"] == "daughter@example.org"
    assert [d["name"] for d in data["diners_you_look_after"]] == ["Edna Jones"]


def test_downloads_hold_referral_contacts_and_own_case_log(client, database, auth):
    """Referral and emergency contact travel with the diner; the case log only to its subject."""
    area, carer, edna, cook, _ = _carer_world()
    edna.referrer_name, edna.referrer_organisation = "Dr Shah", "Elm Road Surgery"
    edna.emergency_contact_name, edna.emergency_contact_phone = "Sam Jones", "07700 900123"
    coordinator = f.user(Role.COORDINATOR, first_name="Cora")
    f.database_add(
        CaseLogEntry(
            area_id=area.id,
            kind=CaseLogKind.CALL,
            body="Edna asked about Tuesdays",
            author=coordinator,
            diner_id=edna.id,
        )
    )
    f.database_add(
        CaseLogEntry(
            area_id=area.id,
            kind=CaseLogKind.NOTE,
            body="Priya is a careful cook",
            author=coordinator,
            cook_id=cook.id,
        )
    )
    database.session.commit()
    auth.login("daughter@example.org")
    data = client.get(f"/my-data/diners/{edna.id}/download").get_json()
    assert data["referral"]["referrer_name"] == "Dr Shah"
    assert data["referral"]["referrer_organisation"] == "Elm Road Surgery"
    assert data["emergency_contact"] == {"name": "Sam Jones", "phone": "07700 900123"}
    # Notes about the diner may concern the carer: not in the carer's download.
    assert "case_log" not in data
    auth.logout()
    auth.login(cook.user)
    mine = client.get("/my-data/download").get_json()
    [entry] = mine["cook_profile"]["case_log"]
    assert entry["kind"] == "Note"
    assert entry["note"] == "Priya is a careful cook" and entry["by"] == coordinator.display_name


def test_nobody_else_can_download_or_erase_a_diner(client, auth):
    _, _, edna, _, _ = _carer_world()
    f.user(Role.CARER, email="stranger@example.org")
    auth.login("stranger@example.org")
    assert client.get(f"/my-data/diners/{edna.id}/download").status_code == 404
    assert client.post(f"/my-data/diners/{edna.id}/erase", data={"confirm": "y"}).status_code == 404
    assert client.get("/my-data/diners/999999/download").status_code == 404


def test_erasure_needs_the_tick_box(client, auth):
    _, _, edna, _, _ = _carer_world()
    auth.login("daughter@example.org")
    page = client.post(f"/my-data/diners/{edna.id}/erase", data={})
    assert page.status_code == 422
    assert "Tick the box to confirm" in page.get_data(as_text=True)
    assert client.get(f"/my-data/diners/{edna.id}/download").status_code == 200


def test_carer_erases_a_diner_and_figures_stay(client, database, auth):
    area, _, edna, _, pairing = _carer_world()
    before = (
        database.session.scalar(select(func.count()).select_from(MealShare)),
        database.session.scalar(select(func.count()).select_from(Pairing)),
    )
    auth.login("daughter@example.org")
    page = client.post(
        f"/my-data/diners/{edna.id}/erase", data={"confirm": "y"}, follow_redirects=True
    )
    assert "Edna&#39;s personal details have been erased." in page.get_data(as_text=True)
    database.session.refresh(edna)
    assert edna.first_name == "Erased" and edna.address_line == "" and edna.access_notes == ""
    assert edna.phone is None and edna.postcode == edna.outcode == "N3"
    assert edna.birth_date == date(1938, 7, 1) and edna.erased_at is not None
    assert edna.consent_at is None  # never matched again
    database.session.refresh(pairing)
    assert pairing.status == PairingStatus.ENDED and pairing.distance_km == 0.8
    assert database.session.scalar(select(Feedback.comment)) == ""
    after = (
        database.session.scalar(select(func.count()).select_from(MealShare)),
        database.session.scalar(select(func.count()).select_from(Pairing)),
    )
    assert after == before
    actions = set(database.session.scalars(select(AuditEvent.action)))
    assert "diner_erased" in actions
    assert client.get(f"/my-data/diners/{edna.id}/download").status_code == 404


def test_a_person_erases_their_own_account(client, database, auth):
    _, _, _, cook, pairing = _carer_world()
    email = cook.user.email
    auth.login(email)
    page = client.post("/my-data/erase", data={"confirm": "y"}, follow_redirects=True)
    assert "Your personal details have been erased" in page.get_data(as_text=True)
    database.session.refresh(cook)
    assert cook.user.first_name == "Erased" and not cook.user.is_active_account
    assert cook.user.email != email and cook.address_line == ""
    database.session.refresh(pairing)
    assert pairing.status == PairingStatus.ENDED
    assert auth.attempt(email).status_code == 422


def test_retention_clears_notes_of_long_ended_pairings(database):
    area = f.area()
    cook, diner = f.cook(area), f.diner(area)
    old = f.pairing(
        cook,
        diner,
        PairingStatus.ENDED,
        started_at=utcnow() - timedelta(days=900),
        ended_at=utcnow() - timedelta(days=800),
        end_note="Moved in with her son in Leeds",
    )
    recent = f.pairing(cook, f.diner(area), PairingStatus.ENDED, end_note="Went into hospital")
    database.session.commit()
    assert rights.apply_retention(730).pairings == 1
    database.session.refresh(old)
    database.session.refresh(recent)
    assert old.end_note == "" and recent.end_note == "Went into hospital"


def test_audit_events_cannot_be_edited(database):
    import pytest

    event = AuditEvent(action="test")
    database.session.add(event)
    database.session.commit()
    event.action = "tampered"
    with pytest.raises(PermissionError):
        database.session.commit()
    database.session.rollback()


def test_a_cook_viewing_a_diners_address_is_audited(client, database, auth):
    _, _, edna, cook, pairing = _carer_world()
    auth.login(cook.user.email)
    html = client.get(f"/pairings/{pairing.id}").get_data(as_text=True)
    assert "7 Elm Road" in html
    event = database.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "diner_details_viewed")
    ).one()
    assert event.actor_id == cook.user_id and event.subject_id == edna.id
    assert event.detail["address"] is True and event.detail["pairing_id"] == pairing.id


def test_the_carer_viewing_their_own_diner_is_not_audited(client, database, auth):
    _, _, _, _, pairing = _carer_world()
    auth.login("daughter@example.org")
    assert client.get(f"/pairings/{pairing.id}").status_code == 200
    actions = set(database.session.scalars(select(AuditEvent.action)))
    assert "diner_details_viewed" not in actions


def test_a_cook_reading_the_neighbour_page_is_audited(client, database, auth):
    _, _, edna, cook, _ = _carer_world()
    auth.login(cook.user.email)
    assert client.get(f"/profile/neighbours/{edna.id}").status_code == 200
    event = database.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "diner_details_viewed")
    ).one()
    assert event.actor_id == cook.user_id and event.detail["address"] is True
