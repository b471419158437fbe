"""Coordinators turn a proposal down from the proposals list, with a reason (issue 19)."""

from __future__ import annotations

from sqlalchemy import select

from casserole.extensions import db
from casserole.models import OutboundEmail, PairingStatus, Role
from tests.support import factories as f


def _world():
    area = f.area("Barnet", ("N3",))
    coordinator = f.user(Role.COORDINATOR, email="coord@example.org")
    coordinator.areas = [area]
    cook = f.cook(area, user=f.user(Role.COOK, email="cook@example.org", first_name="Maya"))
    diner = f.diner(area, first_name="Harold")
    proposal = f.pairing(cook, diner, status=PairingStatus.PROPOSED)
    db.session.commit()
    return proposal


def test_the_list_links_each_proposal_to_its_decline_page(client, auth, database):
    proposal = _world()
    auth.login("coord@example.org")
    html = client.get("/coordinator/barnet/proposals").get_data(as_text=True)
    assert f'href="/coordinator/barnet/proposals/{proposal.id}/decline"' in html


def test_declining_with_a_reason_keeps_the_diner_waiting_and_tells_no_volunteer(
    client, auth, database
):
    proposal = _world()
    auth.login("coord@example.org")
    url = f"/coordinator/barnet/proposals/{proposal.id}/decline"
    page = client.get(url)
    assert page.status_code == 200 and "Turn down" in page.get_data(as_text=True)
    page = client.post(url, data={"reason": "distance", "note": "A steep hill and no bus."})
    assert page.status_code == 302 and page.headers["Location"].endswith(
        "/coordinator/barnet/proposals"
    )
    assert proposal.status == PairingStatus.DECLINED
    assert proposal.decline_reason.startswith("Too far apart in practice")
    assert proposal.decline_reason.endswith("A steep hill and no bus.")
    to = {m.to_address for m in db.session.scalars(select(OutboundEmail))}
    assert "cook@example.org" not in to
    html = client.get("/coordinator/barnet/proposals").get_data(as_text=True)
    assert "stays on the waiting list" in html and url not in html


def test_something_else_needs_words_and_nothing_changes_without_them(client, auth, database):
    proposal = _world()
    auth.login("coord@example.org")
    url = f"/coordinator/barnet/proposals/{proposal.id}/decline"
    page = client.post(url, data={"reason": "other", "note": ""})
    assert page.status_code == 422
    assert "Say briefly why you are turning this pair down." in page.get_data(as_text=True)
    page = client.post(url, data={})
    assert page.status_code == 422 and "Choose why you are turning" in page.get_data(as_text=True)
    assert proposal.status == PairingStatus.PROPOSED


def test_a_pair_no_longer_waiting_or_in_another_area_is_refused(client, auth, database):
    proposal = _world()
    other = f.area("Camden", ("NW1",))
    stranger = f.user(Role.COORDINATOR, email="camden@example.org")
    stranger.areas = [other]
    proposal.status = PairingStatus.APPROVED
    db.session.commit()
    auth.login("coord@example.org")
    url = f"/coordinator/barnet/proposals/{proposal.id}/decline"
    assert client.get(url).status_code == 409
    client.post("/auth/logout")
    auth.login("camden@example.org")
    assert client.get(f"/coordinator/camden/proposals/{proposal.id}/decline").status_code == 404
