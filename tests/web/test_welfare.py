"""Issue 14's safety net: meal-day reports, welfare checks and their escalation, reminders,
nudges and digests (each sent once), and nobody left uninformed of a change."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from casserole import clock
from casserole.models import (
    CaseLogEntry,
    MealShare,
    OutboundEmail,
    PairingStatus,
    Role,
    WelfareCheck,
)
from casserole.services import dashboard, welfare
from casserole.services.casework import care
from casserole.services.coordinator.waiting import waiting_count_query
from casserole.services.pairings import reminders
from tests.support import factories as f

P = PairingStatus


@pytest.fixture
def world(database):
    area = f.area(contact_email="team@barnet.example", contact_phone="020 8359 0000", slug="barnet")
    other = f.area("Tower Hamlets", ("E14",), slug="tower-hamlets")
    coordinator = f.user(Role.COORDINATOR, email="coord@barnet.example", first_name="Cora")
    coordinator.areas = [area]
    far_coordinator = f.user(Role.COORDINATOR, email="coord@hamlets.example", first_name="Hal")
    far_coordinator.areas = [other]
    f.user(Role.ADMIN, email="admin@casserole.example", first_name="Ada")
    cook = f.cook(
        area,
        days_mask=0b1111111,
        user=f.user(Role.COOK, email="cook@example.org", first_name="Maya"),
    )
    carer = f.user(Role.CARER, email="carer@example.org", first_name="Sam", phone="07700 900002")
    diner = f.diner(
        area,
        carer=carer,
        first_name="Edna",
        phone="020 7946 0001",
        allergies="peanuts, sesame",
        emergency_contact_name="Jo Bloggs",
        emergency_contact_phone="07700 900003",
    )
    pairing = f.pairing(cook, diner, P.ACTIVE)
    database.session.commit()
    return type(
        "World",
        (),
        dict(
            area=area,
            coordinator=coordinator,
            far_coordinator=far_coordinator,
            cook=cook,
            carer=carer,
            diner=diner,
            pairing=pairing,
        ),
    )


def text_of(response):
    return unescape(response.get_data(as_text=True))


def sent(smtp_server, start=0):
    return sorted(m["To"] for m in smtp_server.messages[start:])


def body(message):
    return message.get_body(("plain",)).get_content()


def report(client, world, kind, **extra):
    data = {"kind": kind, "day": clock.today().isoformat(), "note": "Curtains closed"}
    data.update(extra)
    return client.post(f"/pairings/{world.pairing.id}/report", data=data, follow_redirects=True)


def test_nobody_answered_opens_a_check_and_tells_the_carer_and_coordinators_once(
    client, world, auth, smtp_server, database
):
    auth.as_user(world.cook.user)
    page = client.get(f"/pairings/{world.pairing.id}")
    assert "Nobody answered, Edna seemed unwell, or you could not come" in page.get_data(
        as_text=True
    )
    answer = report(client, world, "nobody_answered")
    assert answer.status_code == 200
    assert "We have told Edna's carer and the coordinator" in text_of(answer)
    [check] = database.session.scalars(select(WelfareCheck)).all()
    assert check.kind.value == "nobody_answered" and check.closed_at is None
    assert check.opened_by_id == world.cook.user_id and check.area_id == world.area.id
    assert sent(smtp_server) == ["carer@example.org", "coord@barnet.example"]
    to_carer = next(m for m in smtp_server.messages if m["To"] == "carer@example.org")
    text = body(to_carer)
    assert "nobody answered the door" in text and "Call 999" in text
    assert "020 7946 0001" in text and '"Curtains closed"' in text
    to_coord = next(m for m in smtp_server.messages if m["To"] == "coord@barnet.example")
    text = body(to_coord)
    assert "07700 900002" in text and f"/coordinator/barnet/welfare/{check.id}" in text
    assert "within 4 hours, every coordinator and admin" in text
    # The same report twice for one day is refused next to the field; nobody is told again.
    again = report(client, world, "nobody_answered")
    assert again.status_code == 422
    assert "already reported that for this day" in text_of(again)
    assert len(smtp_server.messages) == 2


def test_seemed_unwell_without_a_carer_gives_coordinators_the_emergency_contact(
    client, world, auth, smtp_server, database
):
    diner = f.diner(
        world.area,
        user=f.user(Role.DINER, email="own@example.org", first_name="Olive"),
        first_name="Olive",
        emergency_contact_name="Jo Bloggs",
        emergency_contact_phone="07700 900003",
    )
    pairing = f.pairing(world.cook, diner, P.ACTIVE)
    database.session.commit()
    auth.as_user(world.cook.user)
    client.post(
        f"/pairings/{pairing.id}/report",
        data={"kind": "seemed_unwell", "day": clock.today().isoformat()},
    )
    # Only the coordinators: the diner who seemed unwell is not asked to check on themselves.
    assert sent(smtp_server) == ["coord@barnet.example"]
    text = body(smtp_server.messages[0])
    assert "Jo Bloggs: 07700 900003" in text and "seemed unwell" in text
    # Olive is never asked to check on herself, at home or on the pairing page.
    auth.as_user(diner.user)
    assert "Please check on" not in text_of(client.get("/"))
    assert "A welfare check is open" not in text_of(client.get(f"/pairings/{pairing.id}"))


def test_could_not_come_is_recorded_and_the_diner_side_told(
    client, world, auth, smtp_server, database
):
    auth.as_user(world.cook.user)
    answer = report(client, world, "could_not_come", note="Flu, sorry")
    assert "told Edna's side that you could not come" in text_of(answer)
    assert database.session.scalar(select(func.count(WelfareCheck.id))) == 0
    assert sent(smtp_server) == ["carer@example.org"]
    assert '"Flu, sorry"' in body(smtp_server.messages[0])


@pytest.mark.parametrize(
    ("day_offset", "message"),
    [(1, "cannot be in the future"), (-8, "in the last 7 days"), (-40, "in the last 7 days")],
)
def test_a_report_for_a_wrong_day_is_refused_by_the_field(
    client, world, auth, smtp_server, database, day_offset, message
):
    auth.as_user(world.cook.user)
    day = clock.today() + timedelta(days=day_offset)
    answer = report(client, world, "nobody_answered", day=day.isoformat())
    assert answer.status_code == 422 and message in text_of(answer)
    assert smtp_server.messages == []
    assert database.session.scalar(select(func.count(WelfareCheck.id))) == 0


def test_only_the_cook_of_a_running_pairing_may_report(client, world, auth, database):
    url = f"/pairings/{world.pairing.id}/report"
    auth.as_user(world.carer)
    assert client.get(url).status_code == 403
    auth.as_user(world.coordinator)
    assert client.get(url).status_code == 403
    auth.as_user(world.far_coordinator)
    assert client.get(url).status_code == 404
    world.pairing.status = P.PAUSED
    database.session.commit()
    auth.as_user(world.cook.user)
    answer = client.get(url)
    assert answer.status_code == 409 and "is paused" in text_of(answer)


def open_check(world, database, hours_ago=0.0):
    now = clock.now()
    (check,) = (
        welfare.report_visit(
            world.pairing.id,
            world.cook.user,
            welfare.VisitReport.NOBODY_ANSWERED,
            clock.local_date(now - timedelta(hours=hours_ago)),
            now=now - timedelta(hours=hours_ago),
        )[1],
    )
    return check


def test_an_open_check_is_escalated_once_to_every_coordinator_and_admin(
    app, world, database, smtp_server
):
    check = open_check(world, database)
    start = len(smtp_server.messages)
    assert welfare.escalate_overdue(now=check.opened_at + timedelta(hours=3, minutes=59)) == 0
    assert len(smtp_server.messages) == start
    assert welfare.escalate_overdue(now=check.opened_at + timedelta(hours=4)) == 1
    assert sent(smtp_server, start) == ["admin@casserole.example", "coord@barnet.example"]
    assert "URGENT" in smtp_server.messages[-1]["Subject"]
    assert welfare.escalate_overdue(now=check.opened_at + timedelta(hours=9)) == 0
    assert len(smtp_server.messages) == start + 2
    database.session.refresh(check)
    assert check.escalated_at == check.opened_at + timedelta(hours=4)


def test_the_escalation_time_is_configurable(app, world, database, smtp_server):
    check = open_check(world, database)
    app.config["WELFARE_ESCALATION_HOURS"] = 1
    try:
        assert welfare.escalate_overdue(now=check.opened_at + timedelta(hours=1)) == 1
    finally:
        app.config["WELFARE_ESCALATION_HOURS"] = 4


def test_a_closed_check_is_never_escalated(app, world, database, smtp_server):
    check = open_check(world, database)
    welfare.record_outcome(world.area, check, welfare.WelfareOutcome.FINE, "", world.coordinator)
    assert welfare.escalate_overdue(now=check.opened_at + timedelta(days=1)) == 0


def test_the_console_tops_the_open_check_and_the_outcome_closes_it_into_the_case_log(
    client, world, auth, database, smtp_server
):
    check = open_check(world, database)
    auth.as_user(world.coordinator)
    html = text_of(client.get("/coordinator/barnet/"))
    assert "Welfare: 1 check open" in html
    assert html.index("open-welfare-checks") < html.index("What you can do")
    url = f"/coordinator/barnet/welfare/{check.id}"
    page = text_of(client.get(url))
    assert "Jo Bloggs" in page and "999" in page and "07700 900002" in page
    # "Something else" needs a word on what happened.
    refused = client.post(url, data={"outcome": "other", "note": ""})
    assert refused.status_code == 422 and "Say what happened." in text_of(refused)
    assert refused.status_code == 422
    start = len(smtp_server.messages)
    done = client.post(
        url,
        data={"outcome": "in_hospital", "note": "Fell; in the Royal Free"},
        follow_redirects=True,
    )
    assert "is closed and noted in the case log" in text_of(done)
    database.session.refresh(check)
    assert check.outcome.value == "in_hospital" and check.closed_by_id == world.coordinator.id
    [entry] = database.session.scalars(select(CaseLogEntry)).all()
    assert entry.diner_id == world.diner.id and "Fell; in the Royal Free" in entry.body
    assert "The diner is in hospital" in entry.body
    assert sent(smtp_server, start) == ["carer@example.org", "cook@example.org"]
    assert "Welfare: 1 check" not in text_of(client.get("/coordinator/barnet/"))
    again = client.post(url, data={"outcome": "fine"})
    assert again.status_code == 409 and "already closed" in text_of(again)
    auth.as_user(world.far_coordinator)
    assert client.get(url).status_code == 404
    assert client.get(f"/coordinator/tower-hamlets/welfare/{check.id}").status_code == 404


def messages_of(database, kind):
    return database.session.scalars(
        select(OutboundEmail).where(OutboundEmail.kind == kind).order_by(OutboundEmail.id)
    ).all()


def test_meal_day_reminder_goes_the_day_before_with_allergens_once(app, world, database):
    today = clock.today()
    # Edna wants meals only on the day after today.
    world.diner.days_mask = 1 << (today + timedelta(days=1)).weekday()
    database.session.commit()
    assert reminders.send_meal_day_reminders(today) == 1
    [mail] = messages_of(database, "meal_day_reminder")
    assert mail.to_address == "cook@example.org"
    assert "peanuts, sesame" in mail.text_body and "call 999" in mail.text_body
    assert reminders.send_meal_day_reminders(today) == 0
    assert len(messages_of(database, "meal_day_reminder")) == 1
    # No reminder the day before a day that is not a meal day.
    assert reminders.send_meal_day_reminders(today + timedelta(days=1)) == 0


def test_no_reminder_for_a_cook_on_a_break_or_a_paused_pairing(app, world, database):
    today = clock.today()
    world.cook.paused = True
    database.session.commit()
    assert reminders.send_meal_day_reminders(today) == 0
    world.cook.paused = False
    world.pairing.status = P.PAUSED
    database.session.commit()
    assert reminders.send_meal_day_reminders(today) == 0


def test_missed_meal_day_nudges_the_cook_once(app, world, database):
    today = clock.today()
    assert reminders.nudge_missed_meal_days(today) == 1
    [mail] = messages_of(database, "missed_meal_nudge")
    assert mail.to_address == "cook@example.org" and "/report" in mail.text_body
    assert reminders.nudge_missed_meal_days(today) == 0
    # A day with a meal logged, or reported on, is not nudged.
    yesterday = today - timedelta(days=1)
    world.pairing.meals.append(MealShare(shared_on=yesterday - timedelta(days=1), dish="Pie"))
    database.session.commit()
    assert reminders.nudge_missed_meal_days(yesterday) == 0
    welfare.report_visit(
        world.pairing.id,
        world.cook.user,
        welfare.VisitReport.COULD_NOT_COME,
        today,
    )
    assert reminders.nudge_missed_meal_days(today + timedelta(days=1)) == 0
    assert len(messages_of(database, "missed_meal_nudge")) == 1


def test_the_digest_lists_at_risk_pairings_and_open_checks_once(app, world, database):
    f.started_pairing(world.area, days=60)  # no meals for 60 days: at risk
    check = open_check(world, database)
    database.session.commit()
    assert reminders.send_coordinator_digest(clock.today()) == 1
    [mail] = messages_of(database, "coordinator_digest")
    assert mail.to_address == "coord@barnet.example"
    assert f"Welfare check {check.id} (pairing {world.pairing.id})" in mail.text_body
    assert "Edna" not in mail.text_body  # names stay behind the links (erasure reaches them)
    assert "Pairings at risk (" in mail.text_body
    assert reminders.send_coordinator_digest(clock.today()) == 0
    # The other area's coordinator has nothing to hear about, so gets nothing.
    assert len(messages_of(database, "coordinator_digest")) == 1


def test_the_cli_runs_each_timed_job(app, world, database):
    runner = app.test_cli_runner()
    for command, words in [
        ("escalate", "Escalated 0 welfare checks."),
        ("remind", "meal-day reminder"),
        ("nudge", "about a missed meal day"),
        ("digest", "digest"),
    ]:
        result = runner.invoke(args=["welfare", command])
        assert result.exit_code == 0, result.output
        assert words in result.output
    bad = runner.invoke(args=["welfare", "remind", "--today", "2026-02-30"])
    assert bad.exit_code != 0 and "give a date like" in bad.output


def test_pausing_and_ending_tell_everyone_else_in_plain_words(
    client, world, auth, smtp_server, database
):
    pid = world.pairing.id
    auth.as_user(world.carer)
    client.post(f"/pairings/{pid}/pause", data={"reason": "In hospital until next week"})
    [msg] = smtp_server.messages
    assert msg["To"] == "cook@example.org"
    assert '"In hospital until next week"' in body(msg) and "do not take any meals" in body(msg)
    auth.as_user(world.coordinator)
    client.post(f"/pairings/{pid}/resume")
    assert sent(smtp_server, 1) == ["carer@example.org", "cook@example.org"]
    auth.as_user(world.cook.user)
    client.post(f"/pairings/{pid}/end", data={"reason": "cook_unavailable"})
    assert sent(smtp_server, 3) == ["carer@example.org", "coord@barnet.example"]
    ended = next(m for m in smtp_server.messages[3:] if m["To"] == "carer@example.org")
    assert "No more meals will come from Maya" in body(ended)


def test_suspending_a_cook_tells_both_sides_and_whoever_saw_a_proposal(
    app, world, database, smtp_server
):
    waiting = f.diner(world.area, carer=f.user(Role.CARER, email="c2@example.org"))
    f.pairing(world.cook, waiting, P.APPROVED)
    unseen = f.diner(world.area, carer=f.user(Role.CARER, email="c3@example.org"))
    f.pairing(world.cook, unseen, P.PROPOSED)
    database.session.commit()
    care.suspend_cook(world.area, world.cook, "Safeguarding referral", world.coordinator)
    # The live pairing's two sides, and the cook about the proposal they had seen; the
    # proposal nobody had seen yet tells nobody.
    assert sent(smtp_server) == ["carer@example.org", "cook@example.org", "cook@example.org"]


def test_a_cook_never_sees_a_proposal_before_approval(client, world, auth, database):
    diner = f.diner(world.area, first_name="Pending")
    proposal = f.pairing(world.cook, diner, P.PROPOSED)
    database.session.commit()
    auth.as_user(world.cook.user)
    html = text_of(client.get("/"))
    assert "Pending" not in html
    proposal.status, proposal.approved_at = P.APPROVED, clock.now()
    database.session.commit()
    html = text_of(client.get("/"))
    assert "Would you like to cook for Pending?" in html
    assert html.index("waiting-for-you") < html.index("Your cooking")


def test_home_pages_top_what_waits_on_each_person(client, world, auth, database):
    check = open_check(world, database)
    diner = f.diner(world.area, carer=world.carer, first_name="Bert")
    f.pairing(world.cook, diner, P.COOK_ACCEPTED)
    database.session.commit()
    auth.as_user(world.carer)
    html = text_of(client.get("/"))
    top = html[html.index("waiting-for-you") : html.index("The people you look after")]
    assert "Please check on Edna now" in top and "Maya would like to cook for Bert" in top
    auth.as_user(world.coordinator)
    html = text_of(client.get("/"))
    top = html[html.index("waiting-for-you") : html.index("Your areas")]
    assert f"/coordinator/barnet/welfare/{check.id}" in top
    auth.as_user(world.far_coordinator)
    assert "Welfare check open" not in text_of(client.get("/"))


def test_the_home_page_counts_waiting_diners_as_the_waiting_list_does(app, world, database):
    f.diner(world.area)  # waiting
    f.diner(world.area, consent_at=None, consent_method=None)  # not agreed yet: not waiting
    lost = f.diner(world.area)
    lost.contact_lost_at = clock.now()  # no contact person: not matched, not waiting
    proposed = f.diner(world.area)
    f.pairing(world.cook, proposed, P.PROPOSED)  # a cook proposed: not waiting
    database.session.commit()
    [summary] = dashboard.area_summaries([world.area])
    assert summary.waiting == database.session.scalar(waiting_count_query(world.area)) == 1


def test_a_check_about_to_expire_tops_the_cooks_home_page(client, world, auth, database):
    dbs = next(c for c in world.cook.checks if c.kind.value == "dbs")
    dbs.expires_on = clock.today() + timedelta(days=10)
    database.session.commit()
    auth.as_user(world.cook.user)
    html = text_of(client.get("/"))
    top = html[html.index("waiting-for-you") : html.index("Your cooking")]
    assert "DBS check expires on" in top and "/profile/cook/checks" in top


def test_the_carer_sees_the_open_check_on_the_pairing_page_with_what_to_do(
    client, world, auth, database
):
    open_check(world, database)
    auth.as_user(world.carer)
    html = text_of(client.get(f"/pairings/{world.pairing.id}"))
    assert "A welfare check is open" in html and "call 999" in html
    assert "020 7946 0001" in html and "020 8359 0000" in html
    # The cook who reported does not get the banner (they have done their part).
    auth.as_user(world.cook.user)
    assert "A welfare check is open" not in text_of(client.get(f"/pairings/{world.pairing.id}"))


def test_the_html_part_escapes_what_the_cook_wrote(app, world, database):
    welfare.report_visit(
        world.pairing.id,
        world.cook.user,
        welfare.VisitReport.SEEMED_UNWELL,
        clock.today(),
        'Pale <img src=x onerror="alert(1)">',
    )
    [to_carer] = messages_of(database, "welfare_opened_to_carer")
    assert '<img src=x onerror="alert(1)">' in to_carer.text_body
    assert "<img" not in to_carer.html_body and "&lt;img src=x" in to_carer.html_body
