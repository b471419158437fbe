"""Someone whose postcode is outside every area keeps what they typed (issue 19)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casserole.models import DinerProfile, Role, WaitingListEntry
from tests.support import factories as f

PASSWORD = "a long and unusual passphrase"
DINER = {
    "first_name": "Łukasz",
    "last_name": "Nowak",
    "email": "lukasz@example.org",
    "password": PASSWORD,
    "postcode": "SE1 7PB",
    "address_line": "3 Friern Park",
    "birth_date-day": "14",
    "birth_date-month": "3",
    "birth_date-year": "1938",
    "days": ["0", "3"],
    "needs": ["soft-pureed"],
    "allergies": "Kiwi fruit",
    "access_notes": "Knock loudly, door takes a while.",
    "consent": "y",
}


@pytest.fixture
def barnet(database):
    return f.area("Barnet", ("N3", "N12"))


def test_a_diner_outside_every_area_goes_back_to_the_form_filled_in(client, barnet):
    page = client.post("/join/diner", data=DINER, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "We do not run in SE1 yet" in html
    assert 'href="/join/diner?back=1"' in html and "Everything you typed is still here" in html
    form = client.get("/join/diner?back=1").get_data(as_text=True)
    for typed in ("Łukasz", "3 Friern Park", "Kiwi fruit", "Knock loudly", "SE1 7PB", 'value="1938"'):
        assert typed in form, typed
    assert PASSWORD not in form
    assert "There is a problem" not in form  # filled in, not judged
    # Without ?back=1 the form starts empty, as before.
    assert "Kiwi fruit" not in client.get("/join/diner").get_data(as_text=True)
    # Corrected, it signs up with everything kept.
    page = client.post("/join/diner", data={**DINER, "postcode": "N12 0AA"})
    assert page.status_code == 302 and page.headers["Location"].endswith("/join/check-email")
    assert "Kiwi fruit" not in client.get("/join/diner?back=1").get_data(as_text=True)


def test_a_carer_adding_someone_outside_every_area_keeps_their_details(
    client, auth, database, barnet
):
    f.user(Role.CARER, email="carer@example.org")
    auth.login("carer@example.org")
    data = {
        **{k: v for k, v in DINER.items() if k not in ("email", "password", "consent")},
        "relationship": "Son",
        "consent_method": "carer_confirmed",
        "consent": "y",
    }
    page = client.post("/profile/diners/new", data=data, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "We do not run in SE1 yet" in html and 'href="/profile/diners/new?back=1"' in html
    assert (
        client.application.extensions["sqlalchemy"].session.scalar(
            select(func.count()).select_from(DinerProfile)
        )
        == 0
    )
    form = client.get("/profile/diners/new?back=1").get_data(as_text=True)
    assert "Kiwi fruit" in form and 'value="Son"' in form


def test_only_the_waiting_list_fields_are_stored(client, database, barnet):
    client.post("/join/diner", data=DINER)
    entry = database.session.scalar(select(WaitingListEntry))
    assert (entry.name, entry.email, entry.postcode) == (
        "Łukasz Nowak",
        "lukasz@example.org",
        "SE1 7PB",
    )
