"""Forms refuse what would make a record useless, saying so next to the field (issue 19)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casserole.extensions import db
from casserole.models import DinerProfile, Role
from tests.support import factories as f
from tests.support.form_data import cook_data

REGISTRATION = {
    "first_name": "Ivy",
    "last_name": "Price",
    "postcode": "N3 1AB",
    "address_line": "4 Lichfield Grove",
    "days": ["1", "3"],
    "phone": "020 8346 0000",
    "consent_method": "phone",
}


def test_a_cook_with_no_days_is_refused_and_keeps_their_old_days(client, auth, database):
    cook = f.cook(f.area("Barnet", outcodes=("N3",)), vetted=False)
    before = cook.days_mask
    auth.login(cook.user)
    page = client.post("/profile/cook", data={**cook_data(), "days": []})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Tick at least one day you can cook" in html and "There is a problem" in html
    assert cook.days_mask == before


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"emergency_contact_name": "Rose Price"}, "Enter the emergency contact&#39;s phone"),
        ({"emergency_contact_phone": "07700 900123"}, "Enter the emergency contact&#39;s name"),
    ],
)
def test_half_an_emergency_contact_is_refused(client, auth, database, given, message):
    area = f.area("Barnet", ("N3",))
    coordinator = f.user(Role.COORDINATOR)
    coordinator.areas = [area]
    database.session.commit()
    auth.login(coordinator)
    page = client.post("/coordinator/barnet/diners/new", data={**REGISTRATION, **given})
    assert page.status_code == 422 and message in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(DinerProfile)) == 0
    page = client.post(
        "/coordinator/barnet/diners/new",
        data={
            **REGISTRATION,
            "emergency_contact_name": "Rose Price",
            "emergency_contact_phone": "07700 900123",
        },
    )
    assert page.status_code == 302
