"""Concerns: their text for coordinators, new → in progress → resolved, urgency, the two-day mark."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from casserole import clock
from casserole.extensions import db
from casserole.models import ConcernStatus, Feedback, OutboundEmail, PairingStatus, Role
from casserole.services.coordinator import monitor as monitor_service
from tests.support import factories as f

PEANUTS = "The meal contained peanuts, she has a nut allergy"


@pytest.fixture
def world(database):
    """Barnet with a live pairing, its carer, two coordinators; a coordinator of Hamlets."""
    barnet = f.area("Barnet", ("N3",))
    hamlets = f.area("Tower Hamlets", ("E1",), slug="tower-hamlets")
    carer = f.user(Role.CARER, first_name="Carol", email="carol@example.org")
    diner = f.diner(barnet, carer=carer, first_name="Edna")
    pairing = f.pairing(f.cook(barnet), diner, PairingStatus.ACTIVE)
    coordinators = [f.user(Role.COORDINATOR, email=f"c{i}@example.org") for i in (1, 2)]
    for c in coordinators:
        c.areas = [barnet]
    stranger = f.user(Role.COORDINATOR)
    stranger.areas = [hamlets]
    database.session.commit()
    return {
        "area": barnet,
        "carer": carer,
        "pairing": pairing,
        "coordinator": coordinators[0],
        "stranger": stranger,
    }


def _raise(client, auth, world, safeguarding=False):
    auth.as_user(world["carer"])
    data = {"comment": PEANUTS}
    if safeguarding:
        data["safeguarding"] = "y"
    assert client.post(f"/pairings/{world['pairing'].id}/concern", data=data).status_code == 302
    auth.logout()
    return db.session.scalar(select(Feedback).where(Feedback.is_concern.is_(True)))


def _mail(kind):
    return db.session.scalars(select(OutboundEmail).where(OutboundEmail.kind == kind)).all()


def test_the_concern_text_is_on_the_pairing_page_and_in_the_queue(client, auth, world):
    concern = _raise(client, auth, world)
    assert concern.concern_status == ConcernStatus.NEW
    auth.as_user(world["coordinator"])
    assert PEANUTS in client.get(f"/pairings/{world['pairing'].id}").get_data(as_text=True)
    queue = client.get("/coordinator/barnet/concerns").get_data(as_text=True)
    assert PEANUTS in queue and f"concern-{concern.id}" in queue


def test_new_to_in_progress_to_resolved_and_the_author_hears(client, auth, world):
    concern = _raise(client, auth, world)
    auth.as_user(world["coordinator"])
    url = f"/coordinator/barnet/concerns/{concern.id}"
    assert client.post(url, data={"status": "in_progress"}).status_code == 302
    assert concern.concern_status == ConcernStatus.IN_PROGRESS
    assert monitor_service._open_concerns([world["pairing"].id]) == {world["pairing"].id: 1}

    missing_note = client.post(url, data={"status": "resolved", "note": ""})
    assert missing_note.status_code == 422
    assert "Say how it was resolved." in missing_note.get_data(as_text=True)
    assert concern.concern_status == ConcernStatus.IN_PROGRESS

    note = "Spoke to the cook: nut-free from now on"
    assert client.post(url, data={"status": "resolved", "note": note}).status_code == 302
    assert concern.concern_status == ConcernStatus.RESOLVED
    assert concern.resolution_note == note and concern.resolved_at is not None
    told = _mail("concern_resolved_to_author")
    assert [m.to_address for m in told] == ["carol@example.org"]
    assert note in told[0].text_body
    # The monitor counts open concerns only.
    assert monitor_service._open_concerns([world["pairing"].id]) == {}
    # Resolved stays resolved.
    assert client.post(url, data={"status": "new"}).status_code == 409


def test_a_safeguarding_concern_is_urgent_mailed_to_every_coordinator_and_tops_the_console(
    client, auth, world
):
    concern = _raise(client, auth, world, safeguarding=True)
    assert concern.urgent
    urgent_mail = _mail("concern_to_coordinator")
    assert sorted(m.to_address for m in urgent_mail) == ["c1@example.org", "c2@example.org"]
    assert all(m.subject.startswith("URGENT") for m in urgent_mail)
    auth.as_user(world["coordinator"])
    console = client.get("/coordinator/barnet/").get_data(as_text=True)
    assert 'id="urgent-concerns"' in console and f"Concern {concern.id}" in console
    client.post(
        f"/coordinator/barnet/concerns/{concern.id}", data={"status": "resolved", "note": "Done"}
    )
    assert 'id="urgent-concerns"' not in client.get("/coordinator/barnet/").get_data(as_text=True)


def test_a_coordinator_can_mark_a_concern_urgent_and_everyone_is_told(client, auth, world):
    concern = _raise(client, auth, world)
    before = len(_mail("concern_to_coordinator"))
    auth.as_user(world["coordinator"])
    client.post(
        f"/coordinator/barnet/concerns/{concern.id}", data={"status": "in_progress", "urgent": "y"}
    )
    assert concern.urgent
    assert len(_mail("concern_to_coordinator")) == before + 2


def test_open_concerns_older_than_two_days_are_highlighted(client, auth, world):
    concern = _raise(client, auth, world)
    auth.as_user(world["coordinator"])
    assert "concern-stale" not in client.get("/coordinator/barnet/concerns").get_data(as_text=True)
    concern.created_at = clock.now() - timedelta(days=2, hours=1)
    page = client.get("/coordinator/barnet/concerns").get_data(as_text=True)
    assert "concern-stale" in page and "Waiting more than two days" in page


def test_another_areas_coordinator_gets_404_for_every_concern(client, auth, world):
    concern = _raise(client, auth, world)
    auth.as_user(world["stranger"])
    for slug in ("barnet", "tower-hamlets"):
        url = f"/coordinator/{slug}/concerns/{concern.id}"
        assert client.post(url, data={"status": "resolved", "note": "x"}).status_code == 404
    assert PEANUTS not in client.get("/coordinator/tower-hamlets/concerns").get_data(as_text=True)
    assert concern.concern_status == ConcernStatus.NEW


def test_the_concerns_queue_pages(client, auth, world, database):
    """Thirty open concerns: 25 on the first page, the rest on the next; bad pages are 400."""
    for i in range(30):
        database.session.add(
            Feedback(
                pairing=world["pairing"],
                author=world["carer"],
                is_concern=True,
                concern_status=ConcernStatus.NEW,
                comment=f"worry {i:02d}",
                created_at=clock.now() - timedelta(hours=60 - i),
            )
        )
    database.session.commit()
    auth.as_user(world["coordinator"])
    first = client.get("/coordinator/barnet/concerns").get_data(as_text=True)
    assert "worry 00" in first and "worry 29" not in first
    assert "Page 1 of 2" in first
    second = client.get("/coordinator/barnet/concerns", query_string={"page": 2})
    assert "worry 29" in second.get_data(as_text=True)
    for bad in ("0", "x", "99999999999"):
        response = client.get("/coordinator/barnet/concerns", query_string={"page": bad})
        assert response.status_code == 400, bad
