"""Odd input refused at the field: direction-override characters, implausible vetting dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from casserole import clock
from casserole.models import CheckKind, PairingStatus, Role, VettingCheck
from casserole.services import vetting
from casserole.services.accounts import text_problem
from tests.support import factories as f
from tests.support.auth import ClientAuth

BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


@pytest.mark.parametrize("char", BIDI)
def test_direction_overrides_are_refused_in_free_text(char):
    assert "changes the direction of the text" in text_problem(f"Soup{char}puos")


@pytest.mark.parametrize("text", ["Zoë's stew 🍲", "حساء العدس", "שלום", "a\u200fb", "line\nbreak"])
def test_ordinary_text_in_any_script_is_welcome(text):
    assert text_problem(text) is None


def test_a_concern_with_an_override_character_is_refused_next_to_the_field(client, database):
    area = f.area()
    cook = f.cook(area, user=f.user(Role.COOK, email="cook@example.org"))
    pairing = f.pairing(cook, f.diner(area), PairingStatus.ACTIVE)
    ClientAuth(client).login("cook@example.org")
    page = client.post(
        f"/pairings/{pairing.id}/concern", data={"comment": "All fine \u202eeno gnorw"}
    )
    assert page.status_code == 422
    assert "changes the direction of the text" in page.get_data(as_text=True)


@pytest.fixture
def coordinator_and_cook(database):
    area = f.area("Barnet", ("N3",), slug="barnet")
    coordinator = f.user(Role.COORDINATOR, email="co@example.org")
    coordinator.areas = [area]
    cook = f.cook(area, vetted=False)
    database.session.commit()
    return coordinator, cook


def _ten_years_on(day: date) -> date:
    return (
        day.replace(year=day.year + 10)
        if (day.month, day.day) != (2, 29)
        else day + timedelta(days=3650)
    )


@pytest.mark.parametrize(
    ("checked_on", "expires_on", "message"),
    [
        ("1989-12-31", "", "Date of the check must be on or after 1 January 1990."),
        ("0001-01-01", "", "Date of the check must be on or after 1 January 1990."),
        ("2020-01-01", "9999-12-31", "Expiry date must be at most 10 years ahead."),
        ("2020-01-01", "10000-01-01", "Enter a real date, with the day, month and year."),
        ("2025-02-30", "", "Enter a real date, with the day, month and year."),
    ],
)
def test_implausible_vetting_dates_are_refused(
    client, coordinator_and_cook, database, checked_on, expires_on, message
):
    _, cook = coordinator_and_cook
    ClientAuth(client).login("co@example.org")
    page = client.post(
        f"/coordinator/barnet/cooks/{cook.id}/checks",
        data={"kind": "id", "checked_on": checked_on, "expires_on": expires_on},
    )
    assert page.status_code == 422
    assert message in page.get_data(as_text=True)
    assert database.session.scalar(select(VettingCheck.id)) is None


def test_a_check_expiring_just_within_ten_years_is_accepted(client, coordinator_and_cook, database):
    _, cook = coordinator_and_cook
    ClientAuth(client).login("co@example.org")
    today = clock.today()
    page = client.post(
        f"/coordinator/barnet/cooks/{cook.id}/checks",
        data={
            "kind": "dbs",
            "checked_on": "1990-01-01",
            "expires_on": _ten_years_on(today).isoformat(),
        },
    )
    assert page.status_code == 302
    assert database.session.scalar(select(VettingCheck.id)) is not None


@pytest.mark.parametrize(
    ("checked_on", "expires_on", "field"),
    [
        (date(1985, 6, 1), None, "checked_on"),
        (date(2024, 1, 1), date(2040, 1, 1), "expires_on"),
        (date(2024, 1, 2), None, "checked_on"),  # issued after "today" below
    ],
)
def test_the_vetting_service_keeps_the_same_bounds(
    coordinator_and_cook, checked_on, expires_on, field
):
    coordinator, cook = coordinator_and_cook
    with pytest.raises(vetting.VettingError) as refused:
        vetting.record_check(
            cook, CheckKind.ID, checked_on, expires_on, "", coordinator, today=date(2024, 1, 1)
        )
    assert refused.value.field_name == field
