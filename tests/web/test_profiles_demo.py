"""The demo data can be logged into as each role and shows the profile pages filled in."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casserole import demo as seed
from casserole.models import DinerProfile, Pairing, PairingStatus, User


@pytest.fixture
def demo(database):
    seed.seed_boroughs()
    database.session.commit()
    return database


def test_demo_cook_sees_their_profile_checks_and_neighbour(client, demo, auth):
    email = "cook.barnet@casserole.example"
    auth.login(email, seed.DEMO_PASSWORD)
    cook = demo.session.scalar(select(User).where(User.email == email)).cook_profile
    form = client.get("/profile/cook").get_data(as_text=True)
    assert cook.introduction in form and cook.postcode in form
    assert "checked" in form  # days and dishes ticked
    checks = client.get("/profile/cook/checks").get_data(as_text=True)
    assert "Your checks are complete" in checks and "Done" in checks
    live = demo.session.scalar(
        select(Pairing).where(Pairing.cook_id == cook.id, Pairing.status == PairingStatus.ACTIVE)
    )
    page = client.get(f"/profile/neighbours/{live.diner_id}").get_data(as_text=True)
    assert live.diner.address_line in page


def test_demo_cook_with_a_lapsed_check_is_told_to_renew(client, demo, auth):
    auth.login("cook18.barnet@casserole.example", seed.DEMO_PASSWORD)
    html = client.get("/profile/cook/checks").get_data(as_text=True)
    assert "Your DBS check has expired: please renew it." in html


def test_demo_carer_has_a_page_for_each_person_they_look_after(client, demo, auth):
    email = "carer.barnet@casserole.example"
    auth.login(email, seed.DEMO_PASSWORD)
    carer = demo.session.scalar(select(User).where(User.email == email))
    diners = carer.managed_diners
    assert len(diners) >= 2
    home = client.get("/").get_data(as_text=True)
    assert all(f'href="/profile/diners/{d.id}"' in home for d in diners)
    client.get(f"/profile/diners/{diners[1].id}")
    target = client.get("/profile/diner").headers["Location"]
    assert target == f"/profile/diners/{diners[1].id}"
    page = client.get(target).get_data(as_text=True)
    assert diners[1].postcode in page and diners[1].contact_preference in page
    assert "agreed to join on" in page


def test_demo_diner_sees_their_details_and_their_cook(client, demo, auth):
    email = "diner.barnet@casserole.example"
    auth.login(email, seed.DEMO_PASSWORD)
    page = client.get("/profile/diner", follow_redirects=True).get_data(as_text=True)
    user = demo.session.scalar(select(User).where(User.email == email))
    diner = demo.session.scalar(select(DinerProfile).where(DinerProfile.user_id == user.id))
    assert "Your details" in page and diner.postcode in page
    pairing = demo.session.scalar(
        select(Pairing).where(Pairing.diner_id == diner.id, Pairing.status == PairingStatus.ACTIVE)
    )
    card = client.get(f"/profile/cooks/{pairing.cook_id}").get_data(as_text=True)
    assert pairing.cook.user.first_name in card and pairing.cook.introduction in card


def test_demo_coordinator_finds_a_call_to_make_and_letters_to_print(client, demo, auth):
    auth.login("coordinator.barnet@casserole.example", seed.DEMO_PASSWORD)
    calls = client.get("/coordinator/barnet/calls").get_data(as_text=True)
    assert "020 7946 0" in calls and "Is everything all right with" in calls
    letters = client.get("/coordinator/barnet/letters").get_data(as_text=True)
    assert "Dear " in letters and "To talk to the coordinator, ring 020 7946 0000." in letters
    assert "No meals logged with" in letters  # the cook's letter, beside the diner's
