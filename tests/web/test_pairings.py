"""Pairings from proposal to their end, through the web pages, with real SMTP delivery."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from casserole import clock
from casserole.models import (
    AuditEvent,
    EndReason,
    Feedback,
    Job,
    MatchingRun,
    OutboundEmail,
    Pairing,
    PairingStatus,
    Role,
    utcnow,
)
from casserole.services import pairings
from casserole.services.coordinator.waiting import waiting_list
from casserole.services.pairings.states import TRANSITIONS, Action, Side
from tests.support import factories as f

P = PairingStatus


@pytest.fixture
def world(database):
    area = f.area(contact_email="team@barnet.example")
    coordinator = f.user(Role.COORDINATOR, email="coord@barnet.example", first_name="Cora")
    coordinator.areas = [area]
    cook = f.cook(
        area,
        introduction="I love a Sunday roast.",
        user=f.user(Role.COOK, email="cook@example.org", first_name="Maya", phone="07700 900001"),
    )
    carer = f.user(Role.CARER, email="carer@example.org", first_name="Sam")
    diner = f.diner(
        area,
        carer=carer,
        first_name="Edna",
        phone="020 7946 0001",
        address_line="4 Elm Road",
        access_notes="Key safe 1234",
    )
    proposal = f.pairing(cook, diner, P.PROPOSED, distance_km=1.2)
    database.session.commit()
    return type(
        "World",
        (),
        dict(
            area=area,
            coordinator=coordinator,
            cook=cook,
            carer=carer,
            diner=diner,
            proposal=proposal,
        ),
    )


def kinds(smtp_server):
    return sorted((m["To"], m["Subject"]) for m in smtp_server.messages)


def test_full_lifecycle_sends_each_message_to_whoever_acts_next(client, world, smtp_server, auth):
    pid = world.proposal.id
    # A cook cannot see a proposal the coordinator has not approved.
    auth.as_user(world.cook.user)
    assert client.get(f"/pairings/{pid}").status_code == 404

    auth.as_user(world.coordinator)
    page = client.post(f"/pairings/{pid}/approve", follow_redirects=True)
    assert page.status_code == 200 and "Approved. We have asked the cook." in page.get_data(
        as_text=True
    )
    [msg] = smtp_server.messages
    assert msg["To"] == "cook@example.org" and msg["Subject"] == "Would you like to cook for Edna?"
    assert f"/pairings/{pid}" in msg.get_body(("plain",)).get_content()
    assert f'href="http://127.0.0.1:5000/pairings/{pid}"' in msg.get_body(("html",)).get_content()

    auth.as_user(world.cook.user)
    html = client.get(f"/pairings/{pid}").get_data(as_text=True)
    assert "Edna" in html and "4 Elm Road" not in html and "Key safe" not in html
    client.post(f"/pairings/{pid}/accept")
    assert world.proposal.status == P.COOK_ACCEPTED and world.proposal.cook_accepted_at
    msg = smtp_server.messages[-1]
    assert msg["To"] == "carer@example.org" and msg["Subject"] == "Maya would like to cook for Edna"
    assert "I love a Sunday roast." in msg.get_body(("plain",)).get_content()

    auth.as_user(world.carer)
    html = client.get(f"/pairings/{pid}").get_data(as_text=True)
    assert "I love a Sunday roast." in html and "07700 900001" not in html
    client.post(f"/pairings/{pid}/accept")
    assert world.proposal.status == P.ACTIVE and world.proposal.started_at is not None
    to_cook, to_carer = smtp_server.messages[-2:]
    assert to_cook["To"] == "cook@example.org"
    cook_text = to_cook.get_body(("plain",)).get_content()
    assert (
        "4 Elm Road" in cook_text and "Key safe 1234" in cook_text and "020 7946 0001" in cook_text
    )
    assert (
        to_carer["To"] == "carer@example.org"
        and "07700 900001" in to_carer.get_body(("plain",)).get_content()
    )
    assert "07700 900001" in client.get(f"/pairings/{pid}").get_data(as_text=True)

    auth.as_user(world.cook.user)
    html = client.get(f"/pairings/{pid}").get_data(as_text=True)
    assert "4 Elm Road" in html and "Key safe 1234" in html
    today = clock.today()
    page = client.post(
        f"/pairings/{pid}/meals/new",
        data={"shared_on": today.isoformat(), "dish": "Fish pie", "allergen_note": "fish, milk"},
        follow_redirects=True,
    )
    assert "Meal logged" in page.get_data(as_text=True)
    [meal] = world.proposal.meals

    auth.as_user(world.carer)
    client.post(f"/pairings/{pid}/meals/{meal.id}/confirm")
    assert meal.confirmed_at is not None and meal.confirmed_by_id == world.carer.id
    client.post(f"/pairings/{pid}/feedback", data={"rating": "5", "comment": "Lovely"})
    [fb] = client.application.extensions["sqlalchemy"].session.scalars(select(Feedback)).all()
    assert fb.rating == 5 and fb.comment == "Lovely" and not fb.is_concern
    sent_before = len(smtp_server.messages)
    client.post(f"/pairings/{pid}/concern", data={"comment": "The food is always cold."})
    assert [m["To"] for m in smtp_server.messages[sent_before:]] == ["coord@barnet.example"]
    assert "The food is always cold." in smtp_server.messages[-1].get_body(("plain",)).get_content()

    # The carer pauses, restarts and ends: each time the cook is told, once, in plain words.
    sent_before = len(smtp_server.messages)
    client.post(f"/pairings/{pid}/pause", data={"reason": "Holiday"})
    assert world.proposal.status == P.PAUSED and world.proposal.pauses[0].reason == "Holiday"
    [paused] = smtp_server.messages[sent_before:]
    assert (
        paused["To"] == "cook@example.org"
        and '"Holiday"' in paused.get_body(("plain",)).get_content()
    )
    client.post(f"/pairings/{pid}/resume")
    assert world.proposal.status == P.ACTIVE and world.proposal.pauses[0].ended_at is not None
    assert [m["To"] for m in smtp_server.messages[sent_before + 1 :]] == ["cook@example.org"]
    sent_before = len(smtp_server.messages)
    page = client.post(f"/pairings/{pid}/end", data={"reason": "moved_away"}, follow_redirects=True)
    assert "The pairing has ended" in page.get_data(as_text=True)
    assert world.proposal.status == P.ENDED and world.proposal.end_reason == EndReason.MOVED_AWAY
    assert sorted(m["To"] for m in smtp_server.messages[sent_before:]) == [
        "cook@example.org",
        "coord@barnet.example",
    ]

    db = client.application.extensions["sqlalchemy"]
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.action != "diner_details_viewed")
        .order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "pairing.approve",
        "pairing.cook_accept",
        "pairing.diner_accept",
        "pairing.log_meal",
        "pairing.confirm_meal",
        "pairing.feedback",
        "pairing.concern",
        "pairing.pause",
        "pairing.resume",
        "pairing.end",
    ]
    # Every message went out and is recorded against the pairing, with an HTML part.
    rows = db.session.scalars(select(OutboundEmail)).all()
    assert all(r.status.value == "sent" and r.pairing_id == pid and r.html_body for r in rows)
    assert (
        len(rows) == len(smtp_server.messages) == 9
    )  # six steps, and the cook told of the pause, restart and end


@pytest.mark.parametrize(
    ("status", "who", "url", "data", "code", "reason"),
    [
        (
            P.DECLINED,
            "cook",
            "accept",
            {},
            409,
            "This pairing was declined, so you cannot accept it now.",
        ),
        (
            P.ENDED,
            "cook",
            "meals/new",
            {"shared_on": clock.today().isoformat(), "dish": "Soup"},
            409,
            "This pairing has ended, so you cannot log a meal now.",
        ),
        (
            P.ACTIVE,
            "other_cook",
            "meals/new",
            {"shared_on": clock.today().isoformat(), "dish": "Soup"},
            404,
            "We could not find that pairing.",
        ),
        (
            P.ACTIVE,
            "carer",
            "meals/new",
            {"shared_on": clock.today().isoformat(), "dish": "Soup"},
            403,
            "Your account cannot log a meal for this pairing.",
        ),
        (P.PROPOSED, "cook", "accept", {}, 404, "We could not find that pairing."),
        (P.APPROVED, "carer", "accept", {}, 404, "We could not find that pairing."),
        (P.ACTIVE, "cook", "approve", {}, 403, "not available for your account"),
        (
            P.PAUSED,
            "cook",
            "meals/new",
            {"shared_on": clock.today().isoformat(), "dish": "Soup"},
            409,
            "This pairing is paused, so you cannot log a meal now.",
        ),
        (
            P.ACTIVE,
            "coordinator",
            "resume",
            {},
            409,
            "This pairing is already going, so you cannot restart it now.",
        ),
    ],
)
def test_bad_transitions_are_refused_with_a_reason(
    client, world, status, who, url, data, code, reason, auth
):
    p = world.proposal
    p.status = status
    p.approved_at = utcnow() if status != P.PROPOSED else None
    if status in (P.ACTIVE, P.PAUSED, P.ENDED, P.DECLINED):
        p.cook_accepted_at = utcnow()
    if status in (P.ACTIVE, P.PAUSED, P.ENDED):
        p.started_at = utcnow() - timedelta(days=3)
    if status == P.ENDED:
        p.ended_at = utcnow()
    people = {
        "cook": world.cook.user,
        "carer": world.carer,
        "coordinator": world.coordinator,
        "other_cook": f.cook(world.area).user,
    }
    auth.as_user(people[who])
    page = client.post(f"/pairings/{p.id}/{url}", data=data)
    assert page.status_code == code
    assert reason in page.get_data(as_text=True)
    assert p.status == status and p.meals == []


def test_coordinators_of_other_areas_cannot_see_or_act(client, world, auth):
    other = f.area("Tower Hamlets", ("E1",))
    stranger = f.user(Role.COORDINATOR)
    stranger.areas = [other]
    auth.as_user(stranger)
    assert client.get(f"/pairings/{world.proposal.id}").status_code == 404
    assert client.post(f"/pairings/{world.proposal.id}/approve").status_code == 404
    assert world.proposal.status == P.PROPOSED


def test_declined_pairs_are_never_proposed_again(client, world, smtp_server, auth):
    pid = world.proposal.id
    auth.as_user(world.coordinator)
    client.post(f"/pairings/{pid}/approve")
    auth.as_user(world.cook.user)
    page = client.post(f"/pairings/{pid}/decline", data={"reason": ""})
    assert (
        page.status_code == 422
        and "Tell us why, so we can find a better match." in page.get_data(as_text=True)
    )
    client.post(f"/pairings/{pid}/decline", data={"reason": "Too far for me on foot."})
    assert (
        world.proposal.status == P.DECLINED and world.proposal.declined_by_id == world.cook.user.id
    )
    assert smtp_server.messages[-1]["To"] == "coord@barnet.example"
    assert "Too far for me on foot." in smtp_server.messages[-1].get_body(("plain",)).get_content()
    # The matcher leaves the pair alone, and a coordinator cannot force it by hand.
    auth.as_user(world.coordinator)
    client.post(f"/coordinator/{world.area.slug}/matching")
    db = client.application.extensions["sqlalchemy"]
    assert db.session.scalars(
        select(Pairing.status).where(Pairing.diner_id == world.diner.id)
    ).all() == [P.DECLINED]
    page = client.post(
        f"/coordinator/{world.area.slug}/diners/{world.diner.id}/pair",
        data={"cook_id": world.cook.id, "override_reason": "Please"},
    )
    assert page.status_code == 422 and "never proposed again" in page.get_data(as_text=True)


def test_matcher_proposals_for_an_area(client, world, auth):
    world.proposal.status = P.DECLINED
    world.area.auto_approve = True
    diner = f.diner(world.area, carer=world.carer, first_name="Albert")
    auth.as_user(world.coordinator)
    # The pairings list's button is the console's: a matching job and its progress page.
    listing = client.get("/pairings/").get_data(as_text=True)
    assert f'action="/coordinator/{world.area.slug}/matching"' in listing
    assert "/pairings/areas/" not in listing and "/pairings/new" not in listing
    page = client.post(f"/coordinator/{world.area.slug}/matching")
    assert page.status_code == 302 and "/jobs/" in page.headers["Location"]
    assert "The matcher proposed 1 new pair." in client.get(page.headers["Location"]).get_data(
        as_text=True
    )
    db = client.application.extensions["sqlalchemy"]
    made = db.session.scalar(select(Pairing).where(Pairing.diner_id == diner.id))
    assert made.status == P.APPROVED and made.cook_id == world.cook.id
    # The cook is asked (by the worker's own relay when a queue runs the job).
    asked = db.session.scalars(
        select(OutboundEmail.subject).where(OutboundEmail.pairing_id == made.id)
    ).all()
    assert asked == ["Would you like to cook for Albert?"]


def test_the_old_matching_address_runs_nothing_and_points_to_the_console(
    client, world, database, auth
):
    world.proposal.status = P.DECLINED
    f.diner(world.area, carer=world.carer, first_name="Albert")
    other = f.area("Tower Hamlets", ("E1",), slug="tower-hamlets")
    database.session.commit()
    auth.as_user(world.coordinator)
    page = client.post(f"/pairings/areas/{world.area.id}/match")
    assert page.status_code == 303
    assert page.headers["Location"].endswith(f"/coordinator/{world.area.slug}/proposals")
    html = client.get(page.headers["Location"]).get_data(as_text=True)
    assert "Matching runs from this page now: press “Run matching for Barnet”." in html
    # No proposal, no job, no run: matching only ever starts as a job from the console.
    assert database.session.scalars(select(Pairing.status)).all() == [P.DECLINED]
    assert database.session.scalar(select(func.count(Job.id))) == 0
    assert database.session.scalar(select(func.count(MatchingRun.id))) == 0
    assert client.post(f"/pairings/areas/{other.id}/match").status_code == 404
    assert client.post("/pairings/areas/999999/match").status_code == 404
    assert client.get(f"/pairings/areas/{world.area.id}/match").status_code == 405


def test_asking_for_a_different_cook_puts_the_diner_first_and_excludes_the_cook(
    client, world, auth
):
    p = world.proposal
    p.status, p.approved_at, p.cook_accepted_at, p.started_at = (
        P.ACTIVE,
        utcnow(),
        utcnow(),
        utcnow() - timedelta(days=40),
    )
    waiting = f.diner(world.area, first_name="Waiting")
    waiting.waiting_since = utcnow() - timedelta(days=400)
    auth.as_user(world.carer)
    html = client.get(f"/pairings/{p.id}/end").get_data(as_text=True)
    assert "Tell the coordinator what is wrong" in html  # voice before exit
    client.post(
        f"/pairings/{p.id}/end", data={"reason": "different_cook", "note": "Not a good fit"}
    )
    assert p.status == P.ENDED and p.end_reason == EndReason.DIFFERENT_COOK
    # First in line by an explicit priority; their wait is the true one (from now), never
    # back-dated before everyone else's sign-up.
    assert world.diner.waiting_priority == 1
    assert world.diner.waiting_since >= p.ended_at - timedelta(seconds=1)
    page, _snap = waiting_list(world.area)
    order = [row.diner.id for row in page.rows]
    assert order.index(world.diner.id) < order.index(waiting.id)
    assert page.rows[order.index(world.diner.id)].waiting_days == 0
    checks = pairings.check_pair(world.cook, world.diner, clock.today())
    assert any("different cook" in c for c in checks.blocking)


def test_meal_form_errors_sit_next_to_the_field(client, world, auth):
    p = world.proposal
    p.status, p.approved_at, p.cook_accepted_at, p.started_at = (
        P.ACTIVE,
        utcnow(),
        utcnow(),
        utcnow() - timedelta(days=5),
    )
    auth.as_user(world.cook.user)
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    page = client.post(f"/pairings/{p.id}/meals/new", data={"shared_on": tomorrow, "dish": "Soup"})
    assert page.status_code == 422 and "The date cannot be in the future." in page.get_data(
        as_text=True
    )
    page = client.post(
        f"/pairings/{p.id}/meals/new", data={"shared_on": "last tuesday", "dish": ""}
    )
    html = page.get_data(as_text=True)
    assert (
        page.status_code == 422 and "Say what you cooked." in html and "There is a problem" in html
    )
    before = (clock.today() - timedelta(days=9)).isoformat()
    page = client.post(f"/pairings/{p.id}/meals/new", data={"shared_on": before, "dish": "Soup"})
    assert "before you started cooking together" in page.get_data(as_text=True)
    assert p.meals == []


def test_at_risk_reminders_go_once_per_quiet_spell(app, world, smtp_server):
    p = world.proposal
    p.status, p.approved_at, p.cook_accepted_at, p.started_at = (
        P.ACTIVE,
        utcnow(),
        utcnow(),
        utcnow() - timedelta(days=30),
    )
    db = app.extensions["sqlalchemy"]
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["pairings", "remind-at-risk"])
    assert result.exit_code == 0 and "Reminded 1 pairing." in result.output
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "carer@example.org",
        "cook@example.org",
    ]
    assert "30 days" in smtp_server.messages[0]["Subject"] + smtp_server.messages[1]["Subject"]
    assert pairings.remind_at_risk() == 0 and len(smtp_server.messages) == 2


def test_transition_table_names_who_may_act():
    assert TRANSITIONS[Action.APPROVE].sides == {Side.COORDINATOR}
    assert TRANSITIONS[Action.DINER_ACCEPT].target == P.ACTIVE
    assert P.ENDED not in TRANSITIONS[Action.LOG_MEAL].sources
    assert P.DECLINED not in TRANSITIONS[Action.COOK_ACCEPT].sources
