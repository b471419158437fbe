"""A cook's break: diners told, pairings paused for its dates, stand-ins, the break's end."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from casserole import clock
from casserole.extensions import db
from casserole.formatting import long_date
from casserole.models import EndReason, Pairing, PairingStatus, Role
from casserole.services import pairings
from casserole.services.coordinator import figures
from casserole.services.coordinator.periods import last_months
from casserole.services.pairings import breaks
from tests.support import factories as f

P = PairingStatus


@pytest.fixture
def world(database):
    area = f.area(contact_email="team@barnet.example")
    coordinator = f.user(Role.COORDINATOR, email="coord@barnet.example", first_name="Cora")
    coordinator.areas = [area]
    regular = f.cook(area, user=f.user(Role.COOK, email="maya@example.org", first_name="Maya"))
    carer = f.user(Role.CARER, email="sam@example.org", first_name="Sam")
    diner = f.diner(area, carer=carer, first_name="Edna")
    pairing = f.pairing(regular, diner, P.ACTIVE, distance_km=0.5)
    database.session.commit()
    return type(
        "World",
        (),
        dict(
            area=area,
            coordinator=coordinator,
            regular=regular,
            carer=carer,
            diner=diner,
            pairing=pairing,
        ),
    )


def _subjects(smtp_server, since=0):
    return sorted((m["To"], m["Subject"]) for m in smtp_server.messages[since:])


def test_a_planned_break_tells_the_diner_side_and_proposes_a_stand_in(world, smtp_server):
    stand_in_cook = f.cook(world.area, user=f.user(Role.COOK, email="ravi@example.org"))
    today = clock.today()
    first, last = today + timedelta(days=3), today + timedelta(days=9)
    breaks.plan_break(world.regular, first, last, actor=world.regular.user, today=today)
    assert ("sam@example.org", "Maya is taking a break from cooking") in _subjects(smtp_server)
    text = smtp_server.messages[0].get_body(("plain",)).get_content()
    assert "paused for exactly those dates" in text and "stand-in" in text
    # Not started yet: the pairing goes on until the first day.
    assert world.pairing.status == P.ACTIVE and not world.regular.paused
    [stand_in] = list(pairings_db(Pairing.covers_id == world.pairing.id))
    assert stand_in.cook_id == stand_in_cook.id and stand_in.kind == "stand_in"
    assert (stand_in.first_day, stand_in.last_day) == (first, last)
    assert stand_in.status == P.PROPOSED  # the coordinator approves it, as any proposal


def pairings_db(*where):
    return db.session.scalars(select(Pairing).where(*where).order_by(Pairing.id))


def test_the_whole_break_from_plan_to_resume(world, smtp_server):
    ravi = f.cook(world.area, user=f.user(Role.COOK, email="ravi@example.org", first_name="Ravi"))
    today = clock.today()
    first, last = today, today + timedelta(days=6)
    breaks.plan_break(world.regular, first, last, actor=world.regular.user, today=today)
    # Starting today: paused at once, for the break (a person cannot restart it).
    assert world.pairing.status == P.PAUSED and world.regular.paused
    with pytest.raises(pairings.PairingError, match="paused for the cook's break until"):
        pairings.resume(world.pairing.id, world.carer)
    [stand_in] = list(pairings_db(Pairing.covers_id == world.pairing.id))
    pairings.approve(stand_in.id, world.coordinator)
    pairings.accept(stand_in.id, ravi.user)
    pairings.accept(stand_in.id, world.carer)
    assert stand_in.status == P.ACTIVE and world.pairing.status == P.PAUSED
    pairings.log_meal(stand_in.id, ravi.user, today, "Fish pie")
    # Nothing changes while the break runs; the day after its last day, everything does.
    assert breaks.apply_break_transitions(today=last).resumed == 0
    sent = len(smtp_server.messages)
    run = breaks.apply_break_transitions(today=last + timedelta(days=1))
    assert (run.breaks_ended, run.resumed, run.stand_ins_ended) == (1, 1, 1)
    assert world.pairing.status == P.ACTIVE and stand_in.status == P.ENDED
    assert not world.regular.paused
    assert all(p.ended_at is not None for p in world.pairing.pauses)
    told = _subjects(smtp_server, sent)
    assert ("ravi@example.org", "Thank you for standing in for Edna") in told
    assert ("sam@example.org", "Meals with Maya and Edna start again") in told
    assert ("maya@example.org", "Meals with Maya and Edna start again") in told
    # Running it again changes nothing.
    again = breaks.apply_break_transitions(today=last + timedelta(days=1))
    assert (again.breaks_ended, again.resumed) == (0, 0)


def test_no_stand_in_found_is_an_uncovered_break_with_the_matchers_reason(world, smtp_server):
    today = clock.today()
    breaks.plan_break(
        world.regular,
        today + timedelta(days=1),
        today + timedelta(days=4),
        actor=world.regular.user,
        today=today,
    )
    [uncovered] = breaks.uncovered_breaks(world.area.id, today)
    assert uncovered.pairing.id == world.pairing.id
    assert uncovered.reason == "No vetted cook within 3 km."
    assert ("coord@barnet.example", "No stand-in cook for Edna (Barnet)") in _subjects(smtp_server)
    # A cook who joins later is found by the daily run, and the break is covered.
    f.cook(world.area)
    run = breaks.apply_break_transitions(today=today + timedelta(days=1))
    assert run.stand_ins_proposed == 1 and breaks.uncovered_breaks(world.area.id, today) == []


def test_a_break_with_no_end_seeks_no_stand_in(world):
    f.cook(world.area)
    today = clock.today()
    breaks.plan_break(world.regular, today, None, actor=world.regular.user, today=today)
    assert world.pairing.status == P.PAUSED
    assert list(pairings_db(Pairing.covers_id.is_not(None))) == []
    with pytest.raises(pairings.PairingError, match="restarts when the cook says they are back"):
        pairings.resume(world.pairing.id, world.carer)
    breaks.cancel_break(world.regular, actor=world.regular.user, today=today + timedelta(3))
    assert world.pairing.status == P.ACTIVE and not world.regular.paused


def test_the_stand_in_cook_must_have_room_on_those_dates_only(world):
    today = clock.today()
    busy = f.cook(world.area, capacity=1)
    other = f.diner(world.area)
    # Busy cooks for someone else on a break of their own later: room now.
    f.pairing(busy, other, P.APPROVED, covers_id=None)
    breaks.plan_break(
        world.regular,
        today + timedelta(days=1),
        today + timedelta(days=5),
        actor=world.regular.user,
        today=today,
    )
    # Their one place is held by an open-ended proposal: no stand-in, cooks full.
    [uncovered] = breaks.uncovered_breaks(world.area.id, today)
    assert "full" in uncovered.reason


def test_a_stand_in_never_counts_as_a_new_pairing_in_survival_or_figures(world):
    ravi = f.cook(world.area)
    today = clock.today()
    breaks.plan_break(
        world.regular, today, today + timedelta(3), actor=world.regular.user, today=today
    )
    [stand_in] = list(pairings_db(Pairing.covers_id == world.pairing.id))
    pairings.approve(stand_in.id, world.coordinator)
    pairings.accept(stand_in.id, ravi.user)
    pairings.accept(stand_in.id, world.carer)
    pairings.log_meal(stand_in.id, ravi.user, today, "Soup")
    breaks.apply_break_transitions(today=today + timedelta(days=4))
    assert stand_in.status == P.ENDED
    numbers = figures.compute(world.area, last_months(12, today + timedelta(days=4)))
    # One pairing (the regular one), still running: the ended stand-in is not an ending.
    assert (numbers.survival.pairings, numbers.survival.ended) == (1, 0)
    assert numbers.cooks_active == 1
    assert numbers.stand_in_meals == 1 and numbers.meals_total == 1
    assert numbers.breaks_uncovered == 0


def test_the_console_lists_uncovered_breaks_and_the_figures_count_them(world, client, auth):
    today = clock.today()
    breaks.plan_break(
        world.regular,
        today,
        today + timedelta(days=4),
        actor=world.regular.user,
        today=today,
    )
    auth.login(world.coordinator)
    html = client.get(f"/coordinator/{world.area.slug}/").get_data(as_text=True)
    assert "1 diner has no stand-in cook through a break" in html
    assert "No vetted cook within 3 km." in html
    figures_html = client.get(f"/coordinator/{world.area.slug}/figures").get_data(as_text=True)
    assert 'id="breaks-uncovered">1<' in figures_html
    # The pairing page says why meals stopped, and offers no restart.
    page = client.get(f"/pairings/{world.pairing.id}").get_data(as_text=True)
    assert "Meals are paused for the cook&#39;s break until" in page
    assert "Restart meals" not in page
    refused = client.post(f"/pairings/{world.pairing.id}/resume")
    assert refused.status_code == 409
    assert "restarts by itself the day after" in refused.get_data(as_text=True)


def test_home_pages_and_the_meal_plan_say_who_comes_through_the_break(world, client, auth):
    ravi = f.cook(world.area, user=f.user(Role.COOK, first_name="Ravi", phone="07700 900777"))
    today = clock.today()
    breaks.plan_break(
        world.regular, today, today + timedelta(days=5), actor=world.regular.user, today=today
    )
    auth.login(world.carer)
    home = client.get("/").get_data(as_text=True)
    assert "Maya is on a break from" in home and "We are looking for a stand-in cook." in home
    [stand_in] = list(pairings_db(Pairing.covers_id == world.pairing.id))
    pairings.approve(stand_in.id, world.coordinator)
    pairings.accept(stand_in.id, ravi.user)
    pairings.accept(stand_in.id, world.carer)
    home = client.get("/").get_data(as_text=True)
    assert "Ravi is the stand-in cook." in home
    plan = client.get(f"/my-meals/{world.diner.id}").get_data(as_text=True)
    assert "07700 900777" in plan and "Standing in while Maya is on a break" in plan
    auth.logout()
    auth.login(ravi.user)
    assert "Standing in while Maya is on a break" in client.get("/").get_data(as_text=True)


def test_a_stand_in_can_be_agreed_before_the_break_starts(world):
    ravi = f.cook(world.area)
    today = clock.today()
    first, last = today + timedelta(days=2), today + timedelta(days=8)
    breaks.plan_break(world.regular, first, last, actor=world.regular.user, today=today)
    [stand_in] = list(pairings_db(Pairing.covers_id == world.pairing.id))
    pairings.approve(stand_in.id, world.coordinator)
    pairings.accept(stand_in.id, ravi.user)
    pairings.accept(stand_in.id, world.carer)
    assert stand_in.status == P.ACTIVE and world.pairing.status == P.ACTIVE
    run = breaks.apply_break_transitions(today=first)
    assert run.paused == 1 and world.pairing.status == P.PAUSED
    assert run.stand_ins_proposed == 0  # covered already: nobody else is asked


def test_an_ended_regular_pairing_takes_its_stand_in_with_it(world, smtp_server):
    ravi = f.cook(world.area, user=f.user(Role.COOK, email="ravi@example.org"))
    today = clock.today()
    breaks.plan_break(
        world.regular, today, today + timedelta(5), actor=world.regular.user, today=today
    )
    [stand_in] = list(pairings_db(Pairing.covers_id == world.pairing.id))
    pairings.approve(stand_in.id, world.coordinator)
    pairings.accept(stand_in.id, ravi.user)
    sent = len(smtp_server.messages)
    pairings.end(world.pairing.id, world.carer, EndReason.MOVED_AWAY)
    assert stand_in.status == P.DECLINED
    assert ("ravi@example.org", "You are no longer needed as Edna's stand-in cook") in _subjects(
        smtp_server, sent
    )
    with pytest.raises(pairings.PairingError, match="was declined"):
        pairings.accept(stand_in.id, world.carer)


def test_the_daily_command_moves_breaks_on_the_date_given(world, app):
    today = clock.today()
    last = today + timedelta(days=2)
    breaks.plan_break(world.regular, today, last, actor=world.regular.user, today=today)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["apply-breaks", "--today", (last + timedelta(1)).isoformat()])
    assert result.exit_code == 0, result.output
    assert "ended 1 break (1 pairing restarted" in result.output
    db_pairing = db.session.get(Pairing, world.pairing.id)
    db.session.refresh(db_pairing)
    assert db_pairing.status == P.ACTIVE
    bad = runner.invoke(args=["apply-breaks", "--today", "not-a-date"])
    assert bad.exit_code == 2 and "not-a-date" in bad.output


def _at(monkeypatch, day):
    """Stop `casserole.clock` at noon (UK) on `day`."""
    noon = datetime.combine(day, time(12), tzinfo=clock.LOCAL_ZONE).astimezone(UTC)
    monkeypatch.setattr(clock, "now", lambda: noon)


def _meal(client, pairing_id, day, dish="Stew"):
    return client.post(
        f"/pairings/{pairing_id}/meals/new",
        data={
            "shared_on-day": str(day.day),
            "shared_on-month": str(day.month),
            "shared_on-year": str(day.year),
            "dish": dish,
        },
    )


@pytest.fixture
def early_stand_in(world):
    """A stand-in agreed today for a break from the day after tomorrow to a week later."""
    ravi = f.cook(world.area, user=f.user(Role.COOK, email="ravi@example.org", first_name="Ravi"))
    today = clock.today()
    first, last = today + timedelta(days=2), today + timedelta(days=8)
    breaks.plan_break(world.regular, first, last, actor=world.regular.user, today=today)
    [stand_in] = list(pairings_db(Pairing.covers_id == world.pairing.id))
    pairings.approve(stand_in.id, world.coordinator)
    pairings.accept(stand_in.id, ravi.user)
    pairings.accept(stand_in.id, world.carer)
    assert stand_in.status == P.ACTIVE
    return type("Early", (), dict(cook=ravi, pairing=stand_in, first=first, last=last))


def test_a_stand_in_logs_meals_only_on_the_days_of_the_break(
    world, early_stand_in, client, auth, monkeypatch
):
    s = early_stand_in
    today = clock.today()
    auth.login(s.cook.user)
    # Before the break: the form says which days, offers no date, and refuses today.
    form = client.get(f"/pairings/{s.pairing.id}/meals/new").get_data(as_text=True)
    assert 'id="stand-in-days"' in form and long_date(s.first) in form
    assert re.search(r'name="shared_on-day"\s+value=""', form)
    refused = _meal(client, s.pairing.id, today)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'id="shared_on-error"' in html
    expected = (
        f"Choose a day from {long_date(s.first)} to {long_date(s.last)}: "
        "you are standing in on those days only."
    )
    assert expected in html
    assert s.pairing.meals == []
    # The first day and the last day are both the break's.
    _at(monkeypatch, s.first)
    assert _meal(client, s.pairing.id, s.first, "Fish pie").status_code == 302
    _at(monkeypatch, s.last)
    assert _meal(client, s.pairing.id, s.last, "Soup").status_code == 302
    assert sorted(m.shared_on for m in s.pairing.meals) == [s.first, s.last]
    # The day after: until the daily job ends the stand-in, the date is refused, and the
    # form starts from the last day.
    _at(monkeypatch, s.last + timedelta(days=1))
    form = client.get(f"/pairings/{s.pairing.id}/meals/new").get_data(as_text=True)
    assert re.search(rf'name="shared_on-day"\s+value="{s.last.day}"', form)
    late = _meal(client, s.pairing.id, s.last + timedelta(days=1))
    assert late.status_code == 422 and expected in late.get_data(as_text=True)
    assert len(s.pairing.meals) == 2
    # Once the job has run the stand-in is over: the state machine refuses any meal.
    breaks.apply_break_transitions(today=s.last + timedelta(days=1))
    assert s.pairing.status == P.ENDED
    over = _meal(client, s.pairing.id, s.last)
    assert over.status_code == 409
    assert "ended, so you cannot log a meal now" in over.get_data(as_text=True)
    assert len(s.pairing.meals) == 2


def test_the_service_refuses_a_stand_in_meal_outside_the_break(world, early_stand_in):
    s = early_stand_in
    with pytest.raises(pairings.PairingError, match="standing in on those days only") as err:
        pairings.log_meal(s.pairing.id, s.cook.user, clock.today(), "Stew")
    assert err.value.field == "shared_on"
    assert s.pairing.meals == []


def test_the_regular_pairing_keeps_logging_meals_before_the_break(world, early_stand_in):
    meal = pairings.log_meal(world.pairing.id, world.regular.user, clock.today(), "Stew")
    assert meal.shared_on == clock.today()


@pytest.mark.parametrize(
    ("locale", "words"), [("cy", "Dewiswch ddiwrnod"), ("bn", "একটি দিন বেছে নিন")]
)
def test_the_stand_in_date_refusal_is_in_the_cooks_language(
    world, early_stand_in, client, auth, locale, words
):
    s = early_stand_in
    s.cook.user.locale = locale
    db.session.commit()
    auth.login(s.cook.user)
    refused = _meal(client, s.pairing.id, clock.today())
    assert refused.status_code == 422
    assert words in refused.get_data(as_text=True)


def test_a_diner_without_an_account_hears_of_the_break_by_their_own_way(world, database):
    # A diner a coordinator registered, with no account and no carer, chose texts.
    from casserole.models import ContactWay, OutboundEmail

    edna = world.diner
    edna.registered_by_id = world.coordinator.id
    edna.carer = None
    edna.phone = "07700 900456"
    edna.preferred_contact = ContactWay.SMS
    database.session.commit()
    today = clock.today()
    breaks.plan_break(
        world.regular,
        today + timedelta(days=3),
        today + timedelta(days=9),
        actor=world.regular.user,
        today=today,
    )
    texts = database.session.scalars(
        select(OutboundEmail).where(OutboundEmail.channel == ContactWay.SMS)
    ).all()
    assert [t.to_phone for t in texts] == ["07700 900456"]
    assert "Maya" in texts[0].text_body and "break" in texts[0].text_body
