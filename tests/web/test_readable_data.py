"""'Your data' as a readable, printable page of the same data as the JSON download."""

from __future__ import annotations

from datetime import date

from casserole.models import AuditEvent, EndReason, PairingStatus, ReferrerKind, Role
from tests.support import factories as f


def _world():
    area = f.area()
    carer = f.user(Role.CARER, email="daughter@example.org", first_name="Ruth")
    edna = f.diner(
        area,
        carer=carer,
        first_name="Edna",
        birth_date=date(1938, 3, 14),
        emergency_contact_name="Rose Price",
        emergency_contact_phone="07700 900123",
        referrer_kind=ReferrerKind.GP,
        referrer_name="Dr Amit Shah",
        days_mask=0b0000101,
    )
    cook = f.cook(area, user=f.user(Role.COOK, first_name="Priya"))
    f.pairing(cook, edna, PairingStatus.ENDED, end_reason=EndReason.MOVED_AWAY)
    return carer, edna


def test_a_carer_reads_their_diners_data_written_out(client, auth, database):
    carer, edna = _world()
    database.session.commit()
    auth.login("daughter@example.org")
    overview = client.get("/my-data/").get_data(as_text=True)
    assert f'href="/my-data/diners/{edna.id}/view"' in overview
    assert f'href="/my-data/diners/{edna.id}/download"' in overview
    page = client.get(f"/my-data/diners/{edna.id}/view")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Everything we hold about Edna" in html
    assert "Monday 14 March 1938" in html  # the date written out
    assert "Rose Price" in html and "07700 900123" in html  # emergency contact
    assert "Dr Amit Shah" in html and "Referral" in html
    assert "Monday, Wednesday" in html  # days in words, not numbers
    assert "moved away" in html
    assert "data-print" in html and "js/print.js" in html
    assert f'href="/my-data/diners/{edna.id}/download"' in html
    # Seeing the page is recorded like a download.
    events = database.session.query(AuditEvent).filter_by(action="diner_data_downloaded").count()
    assert events == 1


def test_own_page_and_strangers(client, auth, database):
    _, edna = _world()
    f.user(Role.CARER, email="stranger@example.org")
    database.session.commit()
    auth.login("daughter@example.org")
    html = client.get("/my-data/view").get_data(as_text=True)
    assert "Everything we hold about you" in html and "daughter@example.org" in html
    assert "People you look after" in html and "Edna" in html
    client.post("/auth/logout")
    auth.login("stranger@example.org")
    assert client.get(f"/my-data/diners/{edna.id}/view").status_code == 404


def _keys(data: object) -> set[str]:
    """Every key anywhere in a download."""
    if isinstance(data, dict):
        return set(data) | {k for v in data.values() for k in _keys(v)}
    if isinstance(data, list):
        return {k for v in data for k in _keys(v)}
    return set()


def test_every_field_of_every_download_has_a_human_label(app, database):
    """No label is a field name in disguise: each key of each kind of download has its own."""
    from casserole.models import (
        CaseLogEntry,
        CaseLogKind,
        CheckKind,
        Feedback,
        MealShare,
        VettingCheck,
    )
    from casserole.rights.routes import LABELS
    from casserole.services import rights

    carer, edna = _world()
    cook_user = f.user(Role.COOK, first_name="Sam")
    cook = f.cook(edna.area, user=cook_user)
    pairing = f.pairing(cook, f.diner(edna.area, user=f.user(Role.DINER)))
    database.session.add_all(
        [
            MealShare(pairing=pairing, shared_on=date(2026, 11, 2), dish="Soup"),
            Feedback(pairing=pairing, author=cook_user, rating=5, comment="Lovely"),
            VettingCheck(
                cook=cook,
                kind=CheckKind.DBS,
                checked_on=date(2026, 1, 1),
                expires_on=date(2029, 1, 1),
                recorded_by_id=cook_user.id,
            ),
        ]
    )
    database.session.flush()
    database.session.add(
        CaseLogEntry(area_id=cook.area_id, cook_id=cook.id, kind=CaseLogKind.NOTE, body="Rang")
    )
    database.session.flush()
    keys = set()
    for person in (carer, cook_user, pairing.diner.user):
        database.session.expire_all()
        keys |= _keys(rights.export_user(person))
    # The world reaches every part of the download: accounts, cooking, meals, checks, notes.
    assert {"diners_you_look_after", "cook_profile", "diner_profile", "checks", "meals"} <= keys
    assert {"case_log", "feedback", "referral", "emergency_contact", "consent"} <= keys
    assert sorted(keys - set(LABELS)) == []


def test_the_welsh_page_has_welsh_labels_and_words(client, auth, database):
    carer, edna = _world()
    carer.locale = "cy"
    database.session.commit()
    auth.login("daughter@example.org")
    html = client.get(f"/my-data/diners/{edna.id}/view").get_data(as_text=True)
    assert "Dyddiad geni" in html and "Cod post" in html  # date of birth, postcode
    for english in ("Birth date", "Days wanted", "Emergency contact", "Referrer name", "Status"):
        assert f"<dt>{english}</dt>" not in html
    assert "<dt>Date of birth</dt>" not in html
    assert "Dydd Llun, Dydd Mercher" in html  # the days wanted, in Welsh
    assert "wedi symud i ffwrdd" in html and "wedi dod i ben" in html  # why it ended, status
    assert "Practis meddyg teulu" in html  # referred by a GP practice
    for code in ("<dd>gp</dd>", "<dd>carer confirmed</dd>", "<dd>district</dd>"):
        assert code not in html
