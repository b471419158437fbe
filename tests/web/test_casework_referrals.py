"""Registering diners without e-mail, referrals, consent before matching, and the export."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from casserole.extensions import db
from casserole.models import (
    ConsentMethod,
    ContactWay,
    DinerProfile,
    PairingStatus,
    ReferrerKind,
    Role,
)
from casserole.services.matching import load_inputs
from tests.support import factories as f


@pytest.fixture
def world(database):
    """Barnet (N3, N12) and Tower Hamlets; a coordinator of Barnet and one of Hamlets."""
    barnet = f.area("Barnet", ("N3", "N12"))
    hamlets = f.area("Tower Hamlets", ("E1",), slug="tower-hamlets")
    coordinator = f.user(Role.COORDINATOR)
    coordinator.areas = [barnet]
    stranger = f.user(Role.COORDINATOR)
    stranger.areas = [hamlets]
    database.session.commit()
    return {"barnet": barnet, "coordinator": coordinator, "stranger": stranger}


def form(**over):
    data = {
        "first_name": "Ivy",
        "last_name": "Price",
        "postcode": "N3 1AB",
        "address_line": "4 Lichfield Grove",
        "birth_date": "1938-03-14",
        "days": ["1", "3"],
        "phone": "020 8346 0000",
        "preferred_contact": "phone",
        "emergency_contact_name": "Rose Price",
        "emergency_contact_phone": "07700 900123",
        "referrer_kind": "gp",
        "referrer_name": "Dr Amit Shah",
        "referrer_organisation": "Ballards Lane Surgery",
        "referrer_contact": "020 8346 1111",
        "consent_method": "referrer",
    }
    data.update(over)
    return data


def diners():
    return db.session.scalar(select(func.count()).select_from(DinerProfile))


def test_a_coordinator_registers_a_referred_diner_without_email_or_password(client, auth, world):
    auth.as_user(world["coordinator"])
    response = client.post("/coordinator/barnet/diners/new", data=form())
    assert response.status_code == 302
    diner = db.session.scalar(select(DinerProfile))
    assert diner.user_id is None and diner.carer_id is None
    assert diner.registered_by_id == world["coordinator"].id
    assert diner.consent_method == ConsentMethod.REFERRER and diner.consent_at is not None
    assert diner.preferred_contact == ContactWay.PHONE
    assert (diner.emergency_contact_name, diner.emergency_contact_phone) == (
        "Rose Price",
        "07700 900123",
    )
    assert diner.referrer_kind == ReferrerKind.GP
    assert (diner.referrer_name, diner.referrer_organisation) == (
        "Dr Amit Shah",
        "Ballards Lane Surgery",
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Dr Amit Shah, Ballards Lane Surgery (GP practice)" in page
    assert diner.id in {d.id for d in load_inputs(world["barnet"]).diners}


def test_without_consent_the_diner_waits_off_matching_until_it_is_recorded(client, auth, world):
    auth.as_user(world["coordinator"])
    client.post("/coordinator/barnet/diners/new", data=form(consent_method=""))
    diner = db.session.scalar(select(DinerProfile))
    assert diner.consent_at is None
    assert diner.id not in {d.id for d in load_inputs(world["barnet"]).diners}
    page = client.get(f"/coordinator/barnet/diners/{diner.id}/referral").get_data(as_text=True)
    assert "Not yet recorded: they will not be matched" in page
    response = client.post(
        f"/coordinator/barnet/diners/{diner.id}/consent", data={"consent_method": "paper"}
    )
    assert response.status_code == 302
    assert diner.consent_method == ConsentMethod.PAPER
    assert diner.id in {d.id for d in load_inputs(world["barnet"]).diners}


@pytest.mark.parametrize(
    ("over", "field_message"),
    [
        ({"postcode": "E1 6AN"}, "E1 6AN is not in Barnet"),
        ({"postcode": "nonsense"}, "Enter a full UK postcode, like N3 1AB."),
        ({"referrer_kind": "", "consent_method": "referrer"}, "needs the referrer&#39;s details"),
        ({"referrer_name": ""}, "Enter the name of the person who referred them."),
        ({"emergency_contact_phone": "call me"}, ""),
        ({"days": []}, "Choose at least one day."),
        ({"consent_method": "self_online"}, "Not a valid choice"),
    ],
)
def test_bad_registrations_are_explained_and_nothing_is_saved(
    client, auth, world, over, field_message
):
    auth.as_user(world["coordinator"])
    response = client.post("/coordinator/barnet/diners/new", data=form(**over))
    assert response.status_code == 422
    assert field_message in response.get_data(as_text=True)
    assert diners() == 0


def test_the_same_person_cannot_be_registered_twice(client, auth, world):
    auth.as_user(world["coordinator"])
    assert client.post("/coordinator/barnet/diners/new", data=form()).status_code == 302
    again = client.post("/coordinator/barnet/diners/new", data=form(first_name=" ivy "))
    assert again.status_code == 422
    assert "is already registered" in again.get_data(as_text=True)
    assert diners() == 1


def test_referrer_and_contacts_are_on_the_pairing_page_and_in_the_full_export(client, auth, world):
    auth.as_user(world["coordinator"])
    client.post("/coordinator/barnet/diners/new", data=form())
    diner = db.session.scalar(select(DinerProfile))
    pairing = f.pairing(f.cook(world["barnet"]), diner, PairingStatus.ACTIVE)
    page = client.get(f"/pairings/{pairing.id}").get_data(as_text=True)
    assert "Dr Amit Shah" in page and "Rose Price" in page
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/coordinator/barnet/exports/area-full.csv").get_data(as_text=True)
            )
        )
    )
    assert rows[0]["referrer_name"] == "Dr Amit Shah"
    assert rows[0]["referrer_kind"] == "gp"
    assert rows[0]["diner_consent_method"] == "referrer"
    assert rows[0]["emergency_contact_phone"] == "07700 900123"


def test_another_areas_coordinator_cannot_register_into_or_see_barnet(client, auth, world):
    auth.as_user(world["coordinator"])
    client.post("/coordinator/barnet/diners/new", data=form(consent_method=""))
    diner = db.session.scalar(select(DinerProfile))
    auth.logout()
    auth.as_user(world["stranger"])
    assert (
        client.post("/coordinator/barnet/diners/new", data=form(first_name="Jo")).status_code == 404
    )
    for slug in ("barnet", "tower-hamlets"):
        assert client.get(f"/coordinator/{slug}/diners/{diner.id}/referral").status_code == 404
        consent = client.post(
            f"/coordinator/{slug}/diners/{diner.id}/consent", data={"consent_method": "paper"}
        )
        assert consent.status_code == 404
    assert diner.consent_at is None and diners() == 1


def test_erasing_a_registered_diner_clears_referrer_and_emergency_contact(client, auth, world):
    from casserole.services import rights

    auth.as_user(world["coordinator"])
    client.post("/coordinator/barnet/diners/new", data=form())
    diner = db.session.scalar(select(DinerProfile))
    rights.erase_diner(diner, world["coordinator"])
    assert (diner.referrer_name, diner.referrer_organisation, diner.referrer_contact) == (
        "",
        "",
        "",
    )
    assert (diner.emergency_contact_name, diner.emergency_contact_phone) == ("", "")


def cook_form(**over):
    data = {
        "first_name": "Mo",
        "last_name": "Ali",
        "email": "mo@example.org",
        "phone": "020 8346 2222",
        "postcode": "N12 0AA",
        "address_line": "3 Woodside Lane",
    }
    data.update(over)
    return data


def test_a_cook_met_in_person_is_registered_without_a_password_and_gets_a_link(client, auth, world):
    from casserole.models import CookProfile, OutboundEmail, User

    auth.as_user(world["coordinator"])
    response = client.post("/coordinator/barnet/cooks/new", data=cook_form())
    assert response.status_code == 302
    cook = db.session.scalar(select(CookProfile))
    assert cook.area_id == world["barnet"].id and cook.user.role == Role.COOK
    assert response.headers["Location"] == f"/coordinator/barnet/cooks/{cook.id}"
    link = db.session.scalar(
        select(OutboundEmail).where(OutboundEmail.to_address == "mo@example.org")
    )
    assert link.kind == "password_reset" and "/auth/reset/" in link.text_body
    again = client.post("/coordinator/barnet/cooks/new", data=cook_form(first_name="Other"))
    assert again.status_code == 422
    assert "Another account already uses that e-mail address." in again.get_data(as_text=True)
    elsewhere = client.post(
        "/coordinator/barnet/cooks/new", data=cook_form(email="x@example.org", postcode="E1 6AN")
    )
    assert "E1 6AN is not in Barnet." in elsewhere.get_data(as_text=True)
    assert (
        db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.COOK)) == 1
    )


def test_a_cook_without_e_mail_is_registered_and_reached_by_their_chosen_way(client, auth, world):
    """No e-mail address: no link, no login, and what we tell them lands on the call list."""
    from casserole.models import CookProfile, OutboundEmail
    from casserole.services import notifications

    auth.as_user(world["coordinator"])
    refused = client.post("/coordinator/barnet/cooks/new", data=cook_form(email=""))
    assert refused.status_code == 422
    assert "or choose a phone call, a text or a letter instead" in refused.get_data(as_text=True)
    no_phone = client.post(
        "/coordinator/barnet/cooks/new",
        data=cook_form(email="", phone="", preferred_contact="phone"),
    )
    assert no_phone.status_code == 422
    assert "To be rung by the coordinator, enter a phone number." in no_phone.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CookProfile)) == 0
    response = client.post(
        "/coordinator/barnet/cooks/new", data=cook_form(email="", preferred_contact="phone")
    )
    assert response.status_code == 302
    cook = db.session.scalar(select(CookProfile))
    assert cook.user.email is None and cook.user.preferred_contact == ContactWay.PHONE
    assert db.session.scalar(select(func.count()).select_from(OutboundEmail)) == 0
    page = client.get(f"/coordinator/barnet/cooks/{cook.id}").get_data(as_text=True)
    assert "None: they do not log in" in page and "Phone call" in page
    # A second cook without e-mail: no clash on the (unique) address.
    second = client.post(
        "/coordinator/barnet/cooks/new",
        data=cook_form(first_name="Bea", email="", preferred_contact="letter"),
    )
    assert second.status_code == 302
    # A proposal for the first one becomes a call for the coordinator to make.
    pairing = f.pairing(cook, f.diner(world["barnet"], first_name="Ida"), PairingStatus.APPROVED)
    notifications.proposal_to_cook(pairing)
    db.session.commit()
    call = db.session.scalar(select(OutboundEmail))
    assert call.channel == ContactWay.PHONE and call.to_phone
