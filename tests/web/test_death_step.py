"""A diner's death is told through its own gentle step (issue 19)."""

from __future__ import annotations

from sqlalchemy import select

from casserole.extensions import db
from casserole.models import DinerProfile, EndReason, OutboundEmail, PairingStatus, Role
from casserole.services.coordinator.waiting import waiting_conditions
from tests.support import factories as f


def _world():
    area = f.area("Barnet", ("N3",), contact_phone="020 8359 2000")
    coordinator = f.user(Role.COORDINATOR, email="coord@example.org")
    coordinator.areas = [area]
    cook = f.cook(area, user=f.user(Role.COOK, email="cook@example.org", first_name="Maya"))
    carer = f.user(Role.CARER, email="carer@example.org", first_name="Sam")
    diner = f.diner(area, carer=carer, first_name="Harold")
    pairing = f.pairing(cook, diner, status=PairingStatus.ACTIVE)
    db.session.commit()
    return pairing


def test_death_is_not_among_the_ordinary_reasons(client, auth, database):
    pairing = _world()
    auth.login("carer@example.org")
    html = client.get(f"/pairings/{pairing.id}/end").get_data(as_text=True)
    assert "The diner has died" not in html and 'value="died"' not in html
    assert f'href="/pairings/{pairing.id}/died"' in html
    # The old reason cannot be posted through the ordinary list either.
    page = client.post(f"/pairings/{pairing.id}/end", data={"reason": "died"})
    assert page.status_code == 422 and pairing.status == PairingStatus.ACTIVE


def test_the_death_step_is_gentle_and_tells_the_cook_kindly(client, auth, database):
    pairing = _world()
    auth.login("carer@example.org")
    html = client.get(f"/pairings/{pairing.id}/died").get_data(as_text=True)
    assert "We are very sorry" in html and "We will not ask for any feedback" in html
    assert "020 8359 2000" in html
    page = client.post(
        f"/pairings/{pairing.id}/died", data={"note": "Peacefully, at home."}, follow_redirects=True
    )
    html = page.get_data(as_text=True)
    assert "We are very sorry for your loss" in html
    assert pairing.status == PairingStatus.ENDED and pairing.end_reason == EndReason.DIED
    assert pairing.end_note == "Peacefully, at home."
    # No feedback is asked for after a death.
    assert f"/pairings/{pairing.id}/feedback" not in html
    # Off the waiting list: nobody is proposed a cook for Harold.
    waiting = db.session.scalars(select(DinerProfile.id).where(*waiting_conditions())).all()
    assert pairing.diner_id not in waiting
    mails = {m.to_address: m for m in db.session.scalars(select(OutboundEmail))}
    to_cook = mails["cook@example.org"]
    assert to_cook.subject == "Sad news about Harold"
    assert "very sorry" in to_cook.text_body and "glad to ring you" in to_cook.text_body
    assert "020 8359 2000" in to_cook.text_body
    assert "feedback" not in to_cook.text_body.lower()
    to_coordinator = mails["coord@example.org"]
    assert "please ring them" in to_coordinator.text_body
    assert "carer@example.org" not in mails


def test_a_cook_can_tell_us_too_and_the_carer_hears_kindly(client, auth, database):
    pairing = _world()
    auth.login("cook@example.org")
    client.post(f"/pairings/{pairing.id}/died", data={"note": ""})
    assert pairing.end_reason == EndReason.DIED
    mails = {m.to_address: m for m in db.session.scalars(select(OutboundEmail))}
    assert "cook@example.org" not in mails
    assert mails["carer@example.org"].subject == "Sad news about Harold"
    html = client.get(f"/pairings/{pairing.id}").get_data(as_text=True)
    assert "Harold has died. We are very sorry." in html


def test_strangers_cannot_use_the_death_step(client, auth, database):
    pairing = _world()
    f.user(Role.CARER, email="other@example.org")
    db.session.commit()
    auth.login("other@example.org")
    assert client.post(f"/pairings/{pairing.id}/died", data={}).status_code == 404
    assert pairing.status == PairingStatus.ACTIVE


def test_the_gentle_link_is_for_the_people_in_the_pairing_not_coordinators(client, auth, database):
    pairing = _world()
    for email in ("carer@example.org", "cook@example.org"):
        auth.login(email)
        html = client.get(f"/pairings/{pairing.id}/end").get_data(as_text=True)
        assert "tell us here instead" in html and 'id="record-death"' not in html
        html = client.get(f"/pairings/{pairing.id}").get_data(as_text=True)
        assert 'id="record-death"' not in html
        client.post("/auth/logout")
    auth.login("coord@example.org")
    html = client.get(f"/pairings/{pairing.id}/end").get_data(as_text=True)
    assert "tell us here instead" not in html
    assert f'<a href="/pairings/{pairing.id}/died">record the death</a>' in html
    # The console's own way: a link on the pairing page, and the step in a coordinator's words.
    html = client.get(f"/pairings/{pairing.id}").get_data(as_text=True)
    assert f'href="/pairings/{pairing.id}/died" id="record-death"' in html
    html = client.get(f"/pairings/{pairing.id}/died").get_data(as_text=True)
    assert "Record that" in html and 'value="Record the death"' in html
    assert "sorry for your loss" not in html and "Tell the coordinator" not in html
    page = client.post(
        f"/pairings/{pairing.id}/died", data={"note": "Her son rang"}, follow_redirects=True
    )
    html = page.get_data(as_text=True)
    assert "Recorded: Harold has died." in html and "sorry for your loss" not in html
    assert pairing.status == PairingStatus.ENDED and pairing.end_reason == EndReason.DIED
    mails = {m.to_address: m for m in db.session.scalars(select(OutboundEmail))}
    assert mails["cook@example.org"].subject == "Sad news about Harold"
    assert mails["carer@example.org"].subject == "Sad news about Harold"


def test_after_a_death_the_carer_is_never_told_a_cook_is_being_looked_for(client, auth, database):
    pairing = _world()
    auth.login("carer@example.org")
    home = client.get("/").get_data(as_text=True)
    plan = client.get(f"/my-meals/{pairing.diner_id}").get_data(as_text=True)
    assert "Harold has died" not in home and "Harold has died" not in plan
    client.post(f"/pairings/{pairing.id}/died", data={"note": ""})
    # Even were consent recorded again, the home page and the meal plan say the same.
    pairing.diner.consent_at = pairing.ended_at
    db.session.commit()
    home = client.get("/").get_data(as_text=True)
    assert "Harold has died. We are very sorry." in home
    assert "We are looking for a cook" not in home
    plan = client.get(f"/my-meals/{pairing.diner_id}").get_data(as_text=True)
    assert "Harold has died. We are very sorry." in plan
    assert "still looking for a cook" not in plan
