"""Pairing by hand from a diner's record: feasible cooks nearest first, the others with why."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casserole.models import AuditEvent, Pairing, PairingStatus, ProposalSource, Role
from tests.support import factories as f

HOME = {"latitude": 51.6003, "longitude": -0.1930}


def _near(dlat: float) -> dict[str, float]:
    return {"latitude": HOME["latitude"] + dlat, "longitude": HOME["longitude"]}


@pytest.fixture
def street(database):
    """A waiting diner (Mondays, vegetarian) and cooks around them, each kept out by one rule."""
    barnet = f.area("Barnet", ("N3",), slug="barnet")
    hamlets = f.area("Tower Hamlets", ("E1",), slug="tower-hamlets")
    diner = f.diner(barnet, first_name="Ivy", days_mask=0b0000001, needs_mask=1, **HOME)

    def cook(name, dlat, **kw):
        user = f.user(Role.COOK, first_name=name, last_name="Cook")
        kw.setdefault("can_cook_mask", 1)
        return f.cook(barnet, user=user, **_near(dlat), **kw)

    cooks = {
        "near": cook("Nearest", 0.002, capacity=2),
        "far_ok": cook("Further", 0.010),
        "full": cook("Full", 0.001, capacity=1),
        "no_day": cook("Weekend", 0.003, days_mask=0b1100000),
        "no_veg": cook("Meaty", 0.004, can_cook_mask=0),
        "unvetted": cook("Unchecked", 0.005, vetted=False),
        "out_of_reach": cook("Distant", 0.1),  # about 11 km: beyond anyone's look
    }
    f.pairing(cooks["full"], f.diner(barnet, **HOME), PairingStatus.ACTIVE)
    f.pairing(cooks["near"], f.diner(barnet, **HOME), PairingStatus.ACTIVE)
    far = f.diner(hamlets, first_name="Far", postcode="E1 6AN")
    coordinator = f.user(Role.COORDINATOR, email="barnet@example.org")
    coordinator.areas = [barnet]
    database.session.commit()
    return {"diner": diner, "cooks": cooks, "far": far}


def _page(client, diner_id, slug="barnet"):
    response = client.get(f"/coordinator/{slug}/diners/{diner_id}/pair")
    return response.status_code, response.get_data(as_text=True)


def test_feasible_cooks_come_nearest_first_with_distance_days_and_room(client, street, auth):
    auth.login("barnet@example.org")
    status, body = _page(client, street["diner"].id)
    assert status == 200
    can = body.split('id="can-heading"')[1].split("Near cooks who cannot")[0]
    assert can.index("Nearest Cook") < can.index("Further Cook")
    assert "1 of 2" in can and "Monday" in can
    for kept_out in ("Full Cook", "Weekend Cook", "Meaty Cook", "Unchecked Cook"):
        assert kept_out not in can, kept_out
    others = body.split("Near cooks who cannot")[1]
    assert "full (1 of 1)" in others
    assert "no day in common" in others
    assert "cannot cook vegetarian" in others
    assert "checks not all current" in others
    assert "Distant Cook" not in body


def test_proposing_a_feasible_cook_needs_no_reason(client, street, database, auth):
    auth.login("barnet@example.org")
    near = street["cooks"]["near"]
    response = client.post(
        f"/coordinator/barnet/diners/{street['diner'].id}/pair", data={"cook_id": near.id}
    )
    assert response.status_code == 302
    pairing = database.session.scalar(select(Pairing).where(Pairing.diner_id == street["diner"].id))
    assert pairing.cook_id == near.id and pairing.source == ProposalSource.COORDINATOR
    assert pairing.override_reason == ""


def test_outside_the_rules_needs_a_written_reason(client, street, database, auth):
    auth.login("barnet@example.org")
    url = f"/coordinator/barnet/diners/{street['diner'].id}/pair"
    weekend = street["cooks"]["no_day"]
    response = client.post(url, data={"cook_id": weekend.id})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="override_reason-error"' in body and "no day of the week in common" in body
    assert (
        database.session.scalar(select(Pairing).where(Pairing.diner_id == street["diner"].id))
        is None
    )

    response = client.post(
        url, data={"cook_id": weekend.id, "override_reason": "She can do a Monday after all"}
    )
    assert response.status_code == 302
    pairing = database.session.scalar(select(Pairing).where(Pairing.diner_id == street["diner"].id))
    assert pairing.override_reason == "She can do a Monday after all"
    assert (
        database.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "pairing.propose_by_hand")
        )
        is not None
    )


def test_bad_cook_choices_are_explained_and_other_areas_are_404(client, street, auth):
    auth.login("barnet@example.org")
    url = f"/coordinator/barnet/diners/{street['diner'].id}/pair"
    for data in ({}, {"cook_id": "abc"}, {"cook_id": "-3"}, {"cook_id": "999999"}):
        response = client.post(url, data=data)
        assert response.status_code == 422, data
        assert 'id="cook_id-error"' in response.get_data(as_text=True), data
    far = street["far"]
    assert _page(client, far.id)[0] == 404
    assert _page(client, far.id, slug="tower-hamlets")[0] == 404
    assert client.post(f"/coordinator/barnet/diners/{far.id}/pair", data={}).status_code == 404


def test_a_cook_not_listed_is_paired_by_number_with_the_rules_checked(
    client, street, database, auth
):
    """What the old number-typing page could do: a cook out of reach, overridden with a reason."""
    auth.login("barnet@example.org")
    diner = street["diner"]
    url = f"/coordinator/barnet/diners/{diner.id}/pair"
    distant = street["cooks"]["out_of_reach"]
    assert "Distant Cook" not in _page(client, diner.id)[1]
    response = client.post(url, data={"cook_number": f"K{distant.id}"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "miles apart" in body and 'id="override_reason-error"' in body
    # A cook whose checks are not current can never be paired, whatever the reason given.
    unvetted = street["cooks"]["unvetted"]
    response = client.post(
        url, data={"cook_number": str(unvetted.id), "override_reason": "DBS booked"}
    )
    assert response.status_code == 422 and "cannot be overridden" in response.get_data(as_text=True)
    response = client.post(
        url,
        data={
            "cook_number": f"k {distant.id}",
            "override_reason": "Her daughter drives the meals over.",
        },
    )
    assert response.status_code == 302
    made = database.session.scalar(select(Pairing).where(Pairing.diner_id == diner.id))
    assert made.cook_id == distant.id and made.override_reason.startswith("Her daughter")
    event = database.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "pairing.propose_by_hand")
    )
    assert event.detail["overridden"] == 1 and event.detail["ip"] == "127.0.0.1"


def test_typed_cook_numbers_are_checked_and_other_areas_cooks_not_found(client, street, auth):
    auth.login("barnet@example.org")
    url = f"/coordinator/barnet/diners/{street['diner'].id}/pair"
    near = street["cooks"]["near"]
    hamlets_cook = f.cook(street["far"].area)
    for number, problem in (
        ("D12", "starts with K"),
        ("twelve", "like K12"),
        ("K0", "like K12"),
        (f"K{hamlets_cook.id}", "There is no cook with that number in your areas."),
        ("K999999", "There is no cook with that number in your areas."),
    ):
        response = client.post(url, data={"cook_number": number, "override_reason": "x"})
        body = response.get_data(as_text=True)
        assert response.status_code == 422, number
        assert 'id="cook_number-error"' in body and problem in body, number
    both = client.post(url, data={"cook_id": near.id, "cook_number": f"K{near.id}"})
    assert both.status_code == 422 and "not both" in both.get_data(as_text=True)


def test_the_old_pair_by_hand_address_leads_to_the_diner(client, street, database, auth):
    auth.login("barnet@example.org")
    diner = street["diner"]
    response = client.get(f"/pairings/new?diner_id={diner.id}&cook_id=5")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/coordinator/barnet/diners/{diner.id}/pair")
    # Without a diner of theirs: the waiting list, saying where pairing by hand lives now.
    for query in ("", f"?diner_id={street['far'].id}", "?diner_id=999999"):
        response = client.get(f"/pairings/new{query}")
        assert response.status_code == 303, query
        assert response.headers["Location"].endswith("/coordinator/barnet/waiting"), query
    html = client.get("/coordinator/barnet/waiting").get_data(as_text=True)
    assert "Pairing by hand now starts from the diner" in html
    assert client.get("/pairings/new?diner_id=abc").status_code == 400
    # An old form's post pairs nobody.
    response = client.post(
        "/pairings/new", data={"cook_id": street["cooks"]["near"].id, "diner_id": diner.id}
    )
    assert response.status_code == 303
    assert database.session.scalar(select(Pairing).where(Pairing.diner_id == diner.id)) is None


def test_the_old_address_sends_a_coordinator_of_several_areas_to_their_areas(
    client, street, database, auth
):
    admin = f.user(Role.ADMIN, email="admin@example.org")
    database.session.commit()
    auth.login(admin.email)
    response = client.get("/pairings/new")
    assert response.status_code == 303 and response.headers["Location"].endswith("/coordinator/")
    response = client.get(f"/pairings/new?diner_id={street['far'].id}")
    assert response.headers["Location"].endswith(
        f"/coordinator/tower-hamlets/diners/{street['far'].id}/pair"
    )
