"""Approving and accepting re-check the cook's checks; a lapsed check is refused with why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from casserole import clock
from casserole.formatting import long_date
from casserole.models import CheckKind, PairingStatus, Role, VettingCheck
from tests.support import factories as f

P = PairingStatus


@pytest.fixture
def world(database):
    area = f.area(contact_email="team@barnet.example")
    coordinator = f.user(Role.COORDINATOR, email="coord@barnet.example")
    coordinator.areas = [area]
    cook = f.cook(area, user=f.user(Role.COOK, email="cook@example.org", first_name="Maya"))
    carer = f.user(Role.CARER, email="carer@example.org")
    diner = f.diner(area, carer=carer, first_name="Edna")
    database.session.commit()
    return type(
        "World", (), dict(area=area, coordinator=coordinator, cook=cook, carer=carer, diner=diner)
    )


def _lapse_dbs(database, cook) -> str:
    """Let the cook's DBS check expire yesterday; the date as the refusal writes it."""
    dbs = database.session.scalar(
        select(VettingCheck).where(
            VettingCheck.cook_id == cook.id, VettingCheck.kind == CheckKind.DBS
        )
    )
    dbs.expires_on = clock.today() - timedelta(days=1)
    database.session.commit()
    return long_date(dbs.expires_on)


def test_approving_a_proposal_for_a_lapsed_cook_is_refused_with_the_check_and_date(
    client, auth, world, database, smtp_server
):
    proposal = f.pairing(world.cook, world.diner, P.PROPOSED)
    expired = _lapse_dbs(database, world.cook)
    auth.login(world.coordinator)
    page = client.post(f"/pairings/{proposal.id}/approve")
    assert page.status_code == 409
    assert f"the DBS check expired on {expired}" in page.get_data(as_text=True)
    assert proposal.status == P.PROPOSED and smtp_server.messages == []
    # The console's approve-all says the same for that proposal and approves nothing.
    page = client.post(
        "/coordinator/barnet/proposals/approve", data={"approve_all": "y"}, follow_redirects=True
    )
    assert f"Proposal {proposal.id}: Maya" in page.get_data(as_text=True)
    assert proposal.status == P.PROPOSED


def test_the_cook_cannot_say_yes_while_a_check_has_lapsed(client, auth, world, database):
    proposal = f.pairing(world.cook, world.diner, P.APPROVED)
    expired = _lapse_dbs(database, world.cook)
    auth.login(world.cook.user)
    page = client.post(f"/pairings/{proposal.id}/accept")
    assert page.status_code == 409
    html = page.get_data(as_text=True)
    assert f"Your checks are not all current: the DBS check expired on {expired}." in html
    assert proposal.status == P.APPROVED


def test_the_diner_side_cannot_start_a_pairing_whose_cook_has_lapsed(client, auth, world, database):
    proposal = f.pairing(world.cook, world.diner, P.COOK_ACCEPTED)
    _lapse_dbs(database, world.cook)
    auth.login(world.carer)
    page = client.post(f"/pairings/{proposal.id}/accept")
    assert page.status_code == 409
    assert "Maya" in page.get_data(as_text=True) and "DBS check expired" in page.get_data(
        as_text=True
    )
    assert proposal.status == P.COOK_ACCEPTED and proposal.started_at is None


def test_with_current_checks_both_yeses_go_through(client, auth, world, database):
    proposal = f.pairing(world.cook, world.diner, P.APPROVED)
    database.session.commit()
    auth.login(world.cook.user)
    assert client.post(f"/pairings/{proposal.id}/accept").status_code == 302
    auth.logout()
    auth.login(world.carer)
    assert client.post(f"/pairings/{proposal.id}/accept").status_code == 302
    assert proposal.status == P.ACTIVE


def test_a_live_pairing_whose_cook_lapsed_is_flagged_and_the_coordinator_told_once(
    app, client, auth, world, database
):
    from casserole.models import OutboundEmail

    live = f.pairing(world.cook, world.diner, P.ACTIVE)
    fine = f.pairing(f.cook(world.area), f.diner(world.area, first_name="Olive"), P.ACTIVE)
    _lapse_dbs(database, world.cook)
    auth.login(world.coordinator)
    html = client.get("/coordinator/barnet/pairings").get_data(as_text=True)
    assert "Cook&#39;s checks lapsed (1)" in html
    assert html.count("checks lapsed</strong>") == 1
    console = client.get("/coordinator/barnet/").get_data(as_text=True)
    assert 'id="lapsed-checks"' in console and "1 live pairing has a cook whose checks" in console
    lapsed = client.get("/coordinator/barnet/pairings?view=lapsed").get_data(as_text=True)
    assert f"Pairing {live.id}" in lapsed and f"Pairing {fine.id}" not in lapsed

    runner = app.test_cli_runner()
    runner.invoke(args=["coordinator", "notify-expired-checks"])
    runner.invoke(args=["coordinator", "notify-expired-checks"])
    mails = database.session.scalars(
        select(OutboundEmail).where(OutboundEmail.kind == "vetting_lapsed_to_coordinator")
    ).all()
    assert [m.to_address for m in mails] == ["coord@barnet.example"]
    assert mails[0].subject == "Maya's DBS check has expired"
    assert f"Edna (pairing {live.id})" in mails[0].text_body


def test_a_cook_is_told_once_their_checks_are_complete(client, auth, world, database):
    from casserole.models import OutboundEmail

    newcomer = f.cook(
        world.area, vetted=False, user=f.user(Role.COOK, email="new@example.org", first_name="Ada")
    )
    today = clock.today()
    for kind, expires in ((CheckKind.ID, None), (CheckKind.DBS, today + timedelta(days=900))):
        newcomer.checks.append(
            VettingCheck(kind=kind, checked_on=today - timedelta(days=3), expires_on=expires)
        )
    database.session.commit()
    auth.login(world.coordinator)
    page = client.post(
        f"/coordinator/barnet/cooks/{newcomer.id}/checks",
        data={
            "kind": "food_hygiene",
            "checked_on": (today - timedelta(days=1)).isoformat(),
            "expires_on": (today + timedelta(days=1000)).isoformat(),
            "reference": "FH-1",
        },
    )
    assert page.status_code == 302
    mails = database.session.scalars(
        select(OutboundEmail).where(OutboundEmail.kind == "vetting_complete_to_cook")
    ).all()
    assert [m.to_address for m in mails] == ["new@example.org"]
    # A further check for a cook already vetted sends nothing more.
    client.post(
        f"/coordinator/barnet/cooks/{newcomer.id}/checks",
        data={
            "kind": "dbs",
            "checked_on": today.isoformat(),
            "expires_on": (today + timedelta(days=1000)).isoformat(),
            "reference": "DBS-2",
        },
    )
    assert (
        database.session.scalar(
            select(OutboundEmail.id)
            .where(OutboundEmail.kind == "vetting_complete_to_cook")
            .offset(1)
        )
        is None
    )
    auth.logout()
    auth.login(newcomer.user)
    home = client.get("/").get_data(as_text=True)
    assert "Your checks are complete: we can introduce you to a neighbour." in home
