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
