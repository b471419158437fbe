"""Record pages for diners, cooks and carers: what they show, who may see them, the audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casserole.models import AuditEvent, PairingStatus, Role
from tests.support import factories as f


@pytest.fixture
def people(database):
    """Barnet with a carer's diner (paired, then ended and paired again) and Tower Hamlets' twin."""
    barnet = f.area("Barnet", ("N3",), slug="barnet")
    hamlets = f.area("Tower Hamlets", ("E1",), slug="tower-hamlets")
    carer = f.user(Role.CARER, first_name="Carol", last_name="Carer", phone="020 7946 0001")
    diner = f.diner(
        barnet,
        carer=carer,
        first_name="Edna",
        last_name="Øster",
        phone="020 8123 4567",
        contact_preference="Phone her daughter first",
        allergies="Peanuts",
        needs_mask=1,
        days_mask=0b0000101,
        carer_relationship="daughter",
    )
    cook = f.cook(
        barnet, user=f.user(Role.COOK, first_name="Kim", last_name="Cook", phone="07700 900111")
    )
    old_cook = f.cook(barnet, user=f.user(Role.COOK, first_name="Olga", last_name="Before"))
    f.pairing(old_cook, diner, PairingStatus.ENDED)
    f.pairing(cook, diner, PairingStatus.ACTIVE)
    waiting = f.diner(barnet, first_name="Walter", last_name="Waits")
    far_diner = f.diner(hamlets, first_name="Far", postcode="E1 6AN")
    far_cook = f.cook(hamlets, postcode="E1 6AN")
    coordinator = f.user(Role.COORDINATOR, email="barnet@example.org")
    coordinator.areas = [barnet]
    database.session.commit()
    return {
        "diner": diner,
        "cook": cook,
        "old_cook": old_cook,
        "carer": carer,
        "waiting": waiting,
        "far_diner": far_diner,
        "far_cook": far_cook,
        "coordinator": coordinator,
    }


def test_a_diner_record_shows_contact_needs_days_and_pairings_and_is_audited(
    client, people, database, auth
):
    auth.login("barnet@example.org")
    diner = people["diner"]
    body = client.get(f"/coordinator/barnet/diners/{diner.id}").get_data(as_text=True)
    for expected in (
        "Edna Øster",
        "020 8123 4567",
        "Phone her daughter first",
        "Peanuts",
        "Monday and Wednesday",
        "1 Test Street, N3 1AB",
        "Carol Carer",
        "(daughter)",
        "Case log",
    ):
        assert expected in body, expected
    # Both pairings link to the cooks' records, the live one first.
    kim = body.index(f"/coordinator/barnet/cooks/{people['cook'].id}")
    olga = body.index(f"/coordinator/barnet/cooks/{people['old_cook'].id}")
    assert kim < olga
    events = database.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "diner_details_viewed")
    ).all()
    assert [(e.subject_id, e.actor_id) for e in events] == [(diner.id, people["coordinator"].id)]


def test_a_waiting_diner_record_says_how_long_and_offers_pairing_by_hand(client, people, auth):
    auth.login("barnet@example.org")
    waiting = people["waiting"]
    body = client.get(f"/coordinator/barnet/diners/{waiting.id}").get_data(as_text=True)
    assert "Waiting for a cook for 0 days" in body
    assert f"/coordinator/barnet/diners/{waiting.id}/pair" in body


def test_a_cook_record_shows_contact_reach_and_diners(client, people, auth):
    auth.login("barnet@example.org")
    cook = people["cook"]
    body = client.get(f"/coordinator/barnet/cooks/{cook.id}").get_data(as_text=True)
    assert "07700 900111" in body and cook.user.email in body
    assert f"/coordinator/barnet/diners/{people['diner'].id}" in body
    assert "Checks now" in body and "Case log" in body


def test_a_carer_record_lists_their_diners_here(client, people, auth):
    auth.login("barnet@example.org")
    carer = people["carer"]
    body = client.get(f"/coordinator/barnet/carers/{carer.id}").get_data(as_text=True)
    assert "020 7946 0001" in body and carer.email in body
    assert f"/coordinator/barnet/diners/{people['diner'].id}" in body


def test_another_areas_records_are_404_by_either_url(client, people, auth):
    auth.login("barnet@example.org")
    far = people["far_diner"]
    for url in (
        f"/coordinator/barnet/diners/{far.id}",
        f"/coordinator/tower-hamlets/diners/{far.id}",
        f"/coordinator/barnet/cooks/{people['far_cook'].id}",
        f"/coordinator/barnet/carers/{far.carer_id}",
        f"/coordinator/tower-hamlets/carers/{far.carer_id}",
        # A cook's account is not a carer record.
        f"/coordinator/barnet/carers/{people['cook'].user_id}",
    ):
        assert client.get(url).status_code == 404, url


def test_console_names_link_to_records(client, people, auth):
    auth.login("barnet@example.org")
    waiting = client.get("/coordinator/barnet/waiting").get_data(as_text=True)
    assert f"/coordinator/barnet/diners/{people['waiting'].id}" in waiting
    monitor = client.get("/coordinator/barnet/pairings?view=all").get_data(as_text=True)
    assert f"/coordinator/barnet/diners/{people['diner'].id}" in monitor
    assert f"/coordinator/barnet/cooks/{people['cook'].id}" in monitor


def test_a_coordinator_lands_on_the_console_after_logging_in(client, people, auth):
    response = auth.login("barnet@example.org")
    assert response.headers["Location"].endswith("/coordinator/")
    # The console goes straight to their only area.
    assert client.get("/coordinator/").headers["Location"].endswith("/coordinator/barnet/")


def test_a_carer_still_lands_on_their_dashboard(client, people, auth):
    response = auth.login(people["carer"])
    assert (
        response.headers["Location"].endswith("/")
        and "coordinator" not in response.headers["Location"]
    )
