"""Care: a carer who leaves hands their diners to the coordinators; handing on; suspending a cook."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casserole.extensions import db
from casserole.models import (
    CaseLogEntry,
    OutboundEmail,
    PairingStatus,
    Role,
)
from casserole.services import rights
from casserole.services.matching import load_inputs
from tests.support import factories as f


@pytest.fixture
def world(database):
    """Barnet: a carer with two diners (one paired), a second cook with a proposal, coordinators."""
    barnet = f.area("Barnet", ("N3",))
    hamlets = f.area("Tower Hamlets", ("E1",), slug="tower-hamlets")
    carer = f.user(Role.CARER, first_name="Carol", email="carol@example.org")
    paired = f.diner(barnet, carer=carer, first_name="Edna")
    waiting = f.diner(barnet, carer=carer, first_name="Wilf")
    cook = f.cook(barnet, user=f.user(Role.COOK, first_name="Cath", email="cath@example.org"))
    live = f.pairing(cook, paired, PairingStatus.ACTIVE)
    proposal = f.pairing(cook, f.diner(barnet, first_name="Pat"), PairingStatus.PROPOSED)
    new_carer = f.user(Role.CARER, first_name="Nell", email="nell@example.org")
    coordinator = f.user(Role.COORDINATOR)
    coordinator.areas = [barnet]
    stranger = f.user(Role.COORDINATOR)
    stranger.areas = [hamlets]
    database.session.commit()
    return locals()


def matchable(world):
    return {d.id for d in load_inputs(world["barnet"]).diners}


def test_a_carer_who_erases_their_account_leaves_their_diners_in_the_coordinators_care(
    client, auth, world
):
    assert world["waiting"].id in matchable(world)
    rights.erase_user(world["carer"])
    for diner in (world["paired"], world["waiting"]):
        assert diner.carer_id is None and diner.contact_lost_at is not None
    assert world["waiting"].id not in matchable(world)
    assert world["live"].status == PairingStatus.ACTIVE  # meals go on
    auth.as_user(world["coordinator"])
    console = client.get("/coordinator/barnet/").get_data(as_text=True)
    assert 'id="no-contact-person"' in console and "2 diners have no contact person" in console
    assert "Wilf" in console and "Edna" in console


def test_a_coordinator_hands_a_diner_to_a_new_carer_and_they_can_be_matched_again(
    client, auth, world
):
    rights.erase_user(world["carer"])
    wilf = world["waiting"]
    auth.as_user(world["coordinator"])
    url = f"/coordinator/barnet/diners/{wilf.id}/carer"
    bad = client.post(url, data={"carer_email": "carol@example.org", "relationship": "son"})
    assert bad.status_code == 422
    assert "There is no carer&#39;s account with that e-mail address." in bad.get_data(as_text=True)
    assert wilf.carer_id is None
    done = client.post(url, data={"carer_email": "NELL@example.org", "relationship": "niece"})
    assert done.status_code == 302
    assert wilf.carer_id == world["new_carer"].id and wilf.contact_lost_at is None
    assert wilf.id in matchable(world)
    note = db.session.scalar(select(CaseLogEntry).where(CaseLogEntry.diner_id == wilf.id))
    assert "Handed to carer Nell" in note.body
    assert 'id="no-contact-person"' in client.get("/coordinator/barnet/").get_data(as_text=True)
    # Edna still has nobody.


def test_suspending_a_cook_pauses_live_pairings_tells_both_sides_and_stops_proposals(
    client, auth, world
):
    cook = world["cook"]
    auth.as_user(world["coordinator"])
    url = f"/coordinator/barnet/cooks/{cook.id}/suspend"
    empty = client.post(url, data={"reason": " "})
    assert empty.status_code == 422 and cook.suspended_at is None
    assert client.post(url, data={"reason": "Allegation under review"}).status_code == 302
    assert cook.suspended_at is not None
    assert world["live"].status == PairingStatus.PAUSED
    assert world["live"].pauses[-1].ended_at is None
    assert world["proposal"].status == PairingStatus.DECLINED
    told = db.session.scalars(
        select(OutboundEmail.to_address).where(
            OutboundEmail.kind == "pairing_paused_by_coordinator"
        )
    ).all()
    assert sorted(told) == ["carol@example.org", "cath@example.org"]
    log = db.session.scalar(select(CaseLogEntry).where(CaseLogEntry.cook_id == cook.id))
    assert log.body == "Suspended: Allegation under review"
    cooks = {c.id: c for c in load_inputs(world["barnet"]).cooks}
    assert cooks[cook.id].vetted is False
    page = client.get(f"/coordinator/barnet/cooks/{cook.id}").get_data(as_text=True)
    assert "Suspended since" in page and "Allegation under review" in page
    assert client.post(url, data={"reason": "again"}).status_code == 409
    lifted = client.post(
        f"/coordinator/barnet/cooks/{cook.id}/reinstate", data={"reason": "Cleared by review"}
    )
    assert lifted.status_code == 302 and cook.suspended_at is None
    assert world["live"].status == PairingStatus.PAUSED  # restarted by hand


def test_another_areas_coordinator_gets_404_for_handing_on_and_suspending(client, auth, world):
    auth.as_user(world["stranger"])
    cook, wilf = world["cook"], world["waiting"]
    for slug in ("barnet", "tower-hamlets"):
        assert (
            client.post(
                f"/coordinator/{slug}/cooks/{cook.id}/suspend", data={"reason": "x"}
            ).status_code
            == 404
        )
        assert (
            client.post(
                f"/coordinator/{slug}/diners/{wilf.id}/carer",
                data={"carer_email": "nell@example.org", "relationship": "niece"},
            ).status_code
            == 404
        )
    assert cook.suspended_at is None and wilf.carer_id == world["carer"].id
