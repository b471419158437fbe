"""GOV.UK Notify end to end: the real client against a local Notify, retries, failures shown."""

from __future__ import annotations

import time
from datetime import timedelta

import jwt
import pytest
import requests
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient
from sqlalchemy import select

from casserole import clock
from casserole.models import (
    CaseLogEntry,
    ContactWay,
    EmailStatus,
    OutboundEmail,
    PairingStatus,
    Role,
    utcnow,
)
from casserole.services import mail, notifications, vetting
from tests.support import factories as f
from tests.support import notify_server as notify_support


def _world(cook_phone="07700 900123", cook_way=ContactWay.SMS, **diner_kw):
    area = f.area("Barnet", ("N3",), contact_phone="020 8359 2000")
    coordinator = f.user(Role.COORDINATOR, email="co@example.org")
    coordinator.areas = [area]
    cook_user = f.user(Role.COOK, first_name="Priya", phone=cook_phone, preferred_contact=cook_way)
    cook = f.cook(area, user=cook_user)
    diner = f.diner(area, first_name="Edna", last_name="Smith", **diner_kw)
    pairing = f.pairing(cook, diner, PairingStatus.APPROVED)
    return area, coordinator, cook_user, diner, pairing


def _rows(database, **where):
    stmt = select(OutboundEmail).order_by(OutboundEmail.id)
    for name, value in where.items():
        stmt = stmt.where(getattr(OutboundEmail, name) == value)
    return list(database.session.scalars(stmt))


def test_a_cook_who_prefers_texts_gets_an_sms_through_notify(database, notify_server):
    _area, _co, cook_user, _diner, pairing = _world()
    assert notifications.proposal_to_cook(pairing) == 1
    database.session.commit()
    assert mail.deliver_pending() == 1
    [sms] = notify_server.of_kind("sms")
    assert sms.payload["phone_number"] == "07700 900123"
    assert sms.payload["template_id"] == notify_support.TEMPLATES["sms"][0]
    assert "Would you like to cook for Edna?" in sms.payload["personalisation"]["body"]
    assert f"/pairings/{pairing.id}" in sms.payload["personalisation"]["body"]
    [row] = _rows(database, person_id=cook_user.id)
    assert row.channel == ContactWay.SMS and row.status == EmailStatus.SENT
    assert row.provider_ref == sms.id and row.to_address == ""
    assert notify_server.of_kind("email") == []


def test_email_goes_through_notify_with_subject_and_body(database, notify_server):
    _area, _co, cook_user, _diner, pairing = _world(cook_way=ContactWay.EMAIL)
    notifications.proposal_to_cook(pairing)
    database.session.commit()
    mail.deliver_pending()
    [email] = notify_server.of_kind("email")
    assert email.payload["email_address"] == cook_user.email
    assert email.payload["personalisation"]["subject"] == "Would you like to cook for Edna?"
    assert "Hello Priya" in email.payload["personalisation"]["body"]


def test_a_diner_without_an_account_who_prefers_letters_gets_one(database, notify_server):
    _area, _co, _cook, diner, pairing = _world(
        preferred_contact=ContactWay.LETTER, address_line="7 Mill Lane, Finchley"
    )
    pairing.status = PairingStatus.COOK_ACCEPTED
    notifications.acceptance_to_diner_side(pairing)
    database.session.commit()
    mail.deliver_pending()
    [letter] = notify_server.of_kind("letter")
    fields = letter.payload["personalisation"]
    assert [fields[f"address_line_{i}"] for i in range(1, 5)] == [
        "Edna Smith",
        "7 Mill Lane",
        "Finchley",
        "N3 1AB",
    ]
    assert "address_line_5" not in fields
    assert "Priya would like to cook for you" in fields["body"]
    assert "ring them on 020 8359 2000" in fields["body"]
    [row] = _rows(database, diner_id=diner.id)
    assert row.channel == ContactWay.LETTER and row.status == EmailStatus.SENT
    # The carer, who speaks for Edna, still hears by e-mail.
    assert [r.channel for r in _rows(database, person_id=diner.carer_id)] == [ContactWay.EMAIL]


def _sms_row(database):
    _area, _co, cook_user, _diner, pairing = _world()
    notifications.proposal_to_cook(pairing)
    database.session.commit()
    [row] = _rows(database, person_id=cook_user.id)
    return row


def test_rate_limited_429_is_retried_with_backoff_then_sent(database, notify_server):
    row = _sms_row(database)
    notify_server.fail_next(429)
    now = utcnow()
    assert mail.deliver_pending(now=now) == 0
    assert row.status == EmailStatus.PENDING and row.attempts == 1
    assert row.next_attempt_at == now + mail.RETRY_DELAYS[0]
    assert "RateLimitError" in row.last_error
    assert mail.deliver_pending(now=now + timedelta(seconds=30)) == 0  # not due yet
    assert row.attempts == 1
    assert mail.deliver_pending(now=now + timedelta(minutes=2)) == 1
    assert row.status == EmailStatus.SENT and row.attempts == 2 and row.last_error == ""
    assert len(notify_server.of_kind("sms")) == 1


def test_server_error_500_is_retried_and_after_the_last_try_kept_as_failed(database, notify_server):
    row = _sms_row(database)
    notify_server.fail_next(500, times=mail.MAX_ATTEMPTS)
    now = utcnow()
    delays = []
    for _ in range(mail.MAX_ATTEMPTS):
        mail.deliver_pending(now=now)
        if row.status == EmailStatus.PENDING:
            delays.append(row.next_attempt_at - now)
            now = row.next_attempt_at
    assert delays == list(mail.RETRY_DELAYS)  # 1, 5, 30 minutes, 2 hours
    assert row.status == EmailStatus.FAILED and row.attempts == mail.MAX_ATTEMPTS
    assert "Internal server error" in row.last_error
    assert notify_server.requests == mail.MAX_ATTEMPTS and notify_server.received == []


def test_invalid_phone_400_is_failed_at_once_and_shown_on_the_console(
    client, database, notify_server, auth
):
    area, coordinator, cook_user, _diner, pairing = _world(cook_phone="020 7946 0123")
    notifications.proposal_to_cook(pairing)
    database.session.commit()
    assert mail.deliver_pending() == 0
    [row] = _rows(database, person_id=cook_user.id)
    assert row.status == EmailStatus.FAILED and row.attempts == 1
    assert row.last_error == "ValidationError: phone_number Not a UK mobile number"
    assert mail.deliver_pending(now=utcnow() + timedelta(days=1)) == 0  # not retried
    assert notify_server.requests == 1

    auth.login(coordinator)
    home = client.get(f"/coordinator/{area.slug}/").get_data(as_text=True)
    assert "1 message could not be sent" in home
    page = client.get(f"/coordinator/{area.slug}/messages/failed")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Not a UK mobile number" in text and "020 7946 0123" in text
    assert f'href="/coordinator/{area.slug}/cooks/{cook_user.cook_profile.id}"' in text
    assert "Priya" in text

    # The coordinator puts the right (mobile) number on the record and sends it again.
    cook_user.phone = "07911 123456"
    database.session.commit()
    again = client.post(f"/coordinator/{area.slug}/messages/{row.id}/again")
    assert again.status_code == 302
    database.session.refresh(row)
    assert row.status == EmailStatus.SENT and row.to_phone == "07911 123456"
    [sms] = notify_server.of_kind("sms")
    assert sms.payload["phone_number"] == "07911 123456"
    assert "Every message has gone." in client.get(
        f"/coordinator/{area.slug}/messages/failed"
    ).get_data(as_text=True)


def test_nothing_is_lost_across_429_500_and_400(database, notify_server):
    area, _co, cook_user, diner, pairing = _world()
    bad = f.user(Role.COOK, phone="020 7946 0999", preferred_contact=ContactWay.SMS)
    # A diner has one open proposal at a time: the second cook's proposal is for another diner.
    other = f.diner(area, first_name="Alf")
    bad_pairing = f.pairing(f.cook(area, user=bad), other, PairingStatus.APPROVED)
    for _ in range(3):
        notifications.proposal_to_cook(pairing)
    notifications.proposal_to_cook(bad_pairing)
    database.session.commit()
    notify_server.fail_next(429)
    notify_server.fail_next(500)
    now = utcnow()
    for hours in range(0, 6):
        mail.deliver_pending(now=now + timedelta(hours=hours))
    rows = _rows(database)
    assert len(rows) == 4
    assert [r.status for r in rows] == [EmailStatus.SENT] * 3 + [EmailStatus.FAILED]
    assert len(notify_server.of_kind("sms")) == 3
    assert {r.provider_ref for r in rows[:3]} == {s.id for s in notify_server.of_kind("sms")}


def test_the_local_notify_refuses_a_token_signed_with_another_secret(notify_server):
    wrong = f"casserole_test-{notify_support.SERVICE_ID}-{'0' * 8}-0000-4000-8000-{'0' * 12}"
    client = NotificationsAPIClient(wrong, base_url=notify_server.base_url)
    try:
        client.send_sms_notification("07700900123", notify_support.TEMPLATES["sms"][0])
    except HTTPError as err:
        assert err.status_code == 403
        assert err.message == [
            {"error": "AuthError", "message": "Invalid token: API key not found"}
        ]
    else:
        raise AssertionError("a token signed with the wrong secret was accepted")
    assert notify_server.received == []


def test_a_missing_placeholder_is_refused_like_notify(notify_server):
    client = NotificationsAPIClient(notify_support.API_KEY, base_url=notify_server.base_url)
    try:
        client.send_letter_notification(
            notify_support.TEMPLATES["letter"][0],
            {"address_line_1": "A", "address_line_2": "B", "address_line_3": "N3 1AB"},
        )
    except HTTPError as err:
        assert err.status_code == 400
        assert "Missing personalisation: subject, body" in str(err.message)
    else:
        raise AssertionError("a letter without its placeholders was accepted")


def test_a_person_who_prefers_a_call_is_on_the_call_list_and_the_outcome_is_logged(
    client, database, auth
):
    area, coordinator, _cook, diner, pairing = _world(
        preferred_contact=ContactWay.PHONE, phone="020 8123 4567"
    )
    pairing.status = PairingStatus.COOK_ACCEPTED
    notifications.acceptance_to_diner_side(pairing)
    database.session.commit()
    assert mail.deliver_pending() == 1  # the carer's e-mail; a call is never "sent" by a backend
    [call] = _rows(database, channel=ContactWay.PHONE)
    assert call.diner_id == diner.id and call.status == EmailStatus.PENDING

    auth.login(coordinator)
    assert "1 call to make" in client.get(f"/coordinator/{area.slug}/").get_data(as_text=True)
    page = client.get(f"/coordinator/{area.slug}/calls").get_data(as_text=True)
    assert "Ring" in page and "Edna Smith" in page and "020 8123 4567" in page
    assert "Priya would like to cook for Edna" in page
    empty = client.post(f"/coordinator/{area.slug}/calls/{call.id}", data={"outcome": " "})
    assert empty.status_code == 422 and "Write what came of the call." in empty.get_data(
        as_text=True
    )
    done = client.post(
        f"/coordinator/{area.slug}/calls/{call.id}", data={"outcome": "Edna said yes, gladly."}
    )
    assert done.status_code == 302
    database.session.refresh(call)
    assert call.status == EmailStatus.SENT and call.done_by_id == coordinator.id
    [entry] = database.session.scalars(
        select(CaseLogEntry).where(CaseLogEntry.diner_id == diner.id)
    ).all()
    assert entry.kind == "call" and "Edna said yes, gladly." in entry.body
    again = client.post(f"/coordinator/{area.slug}/calls/{call.id}", data={"outcome": "again"})
    assert again.status_code == 404
    assert "No calls to make." in client.get(f"/coordinator/{area.slug}/calls").get_data(
        as_text=True
    )


def test_printable_letters_batch_without_notify_then_marked_printed(client, database, auth):
    area, coordinator, _cook, diner, pairing = _world(preferred_contact=ContactWay.LETTER)
    pairing.status = PairingStatus.COOK_ACCEPTED
    notifications.acceptance_to_diner_side(pairing)
    database.session.commit()
    mail.deliver_pending()
    [letter] = _rows(database, channel=ContactWay.LETTER)
    assert letter.status == EmailStatus.PENDING  # no Notify: it waits for the printer

    auth.login(coordinator)
    page = client.get(f"/coordinator/{area.slug}/letters").get_data(as_text=True)
    assert f'id="letter-{letter.id}"' in page
    assert '<address class="letter-address">Edna Smith<br>1 Test Street<br>N3 1AB<br>' in page
    assert "letters.css" in page
    done = client.post(f"/coordinator/{area.slug}/letters/printed", data={"letter": [letter.id]})
    assert done.status_code == 302
    database.session.refresh(letter)
    assert letter.printed_at is not None and letter.status == EmailStatus.SENT
    assert "No letters waiting" in client.get(f"/coordinator/{area.slug}/letters").get_data(
        as_text=True
    )


def test_another_areas_coordinator_sees_none_of_it(client, database, auth):
    area, _co, _cook, _diner, pairing = _world(
        preferred_contact=ContactWay.PHONE, phone="020 8123 4567"
    )
    pairing.status = PairingStatus.COOK_ACCEPTED
    notifications.acceptance_to_diner_side(pairing)
    other = f.area("Camden", ("NW1",))
    stranger = f.user(Role.COORDINATOR)
    stranger.areas = [other]
    database.session.commit()
    [call] = _rows(database, channel=ContactWay.PHONE)
    auth.login(stranger)
    for path in ("calls", "letters", "messages/failed"):
        assert client.get(f"/coordinator/{area.slug}/{path}").status_code == 404
    posted = client.post(f"/coordinator/{other.slug}/calls/{call.id}", data={"outcome": "x"})
    assert posted.status_code == 404


def test_an_expired_check_notice_goes_by_the_cooks_choice(database, notify_server):
    _area, _co, cook_user, _diner, _pairing = _world()
    check = cook_user.cook_profile.checks[0]
    check.expires_on = clock.today() - timedelta(days=1)
    database.session.commit()
    assert vetting.notify_expired() == 1
    [sms] = notify_server.of_kind("sms")
    assert sms.payload["phone_number"] == "07700 900123"
    assert "has expired" in sms.payload["personalisation"]["body"]
    assert notify_server.of_kind("email") == []


def test_tell_reaches_each_person_by_their_own_way(database, notify_server):
    area, _co, cook_user, diner, _pairing = _world()
    offline = f.diner(
        area, first_name="Stan", preferred_contact=ContactWay.PHONE, phone="020 8123 4567"
    )
    assert (
        notifications.tell(
            [cook_user, diner.carer, offline, "nobody@example.org"],
            "Meals resume on Monday",
            "test_message",
            kind="test",
            area_id=area.id,
            name="there",
        )
        == 4
    )
    database.session.commit()
    mail.deliver_pending()
    channels = sorted((r.channel.value, r.status.value) for r in _rows(database, kind="test"))
    assert channels == [("email", "sent"), ("email", "sent"), ("phone", "pending"), ("sms", "sent")]
    assert {e.payload["email_address"] for e in notify_server.of_kind("email")} == {
        diner.carer.email,
        "nobody@example.org",
    }


@pytest.mark.parametrize(
    ("send", "says"),
    [
        (lambda p: notifications.active_to_both(p), "Priya is now your cook"),
        (lambda p: notifications.at_risk_reminder(p, 12), "not heard about a meal for 12 days"),
        (
            lambda p: notifications.paused_by_coordinator(p),
            "paused the meals between Priya and you",
        ),
    ],
)
def test_letters_to_a_diner_without_an_account_carry_no_links(database, send, says):
    _area, _co, _cook, diner, pairing = _world(preferred_contact=ContactWay.LETTER)
    pairing.status, pairing.started_at = PairingStatus.ACTIVE, utcnow()
    send(pairing)
    database.session.commit()
    [letter] = _rows(database, diner_id=diner.id)
    assert letter.channel == ContactWay.LETTER and says in letter.text_body
    assert "http" not in letter.text_body and "020 8359 2000" in letter.text_body


@pytest.mark.parametrize(
    ("claims", "says"),
    [
        ({"iss": notify_support.SERVICE_ID, "iat": -60}, "system clock"),
        ({"iss": notify_support.SERVICE_ID, "iat": 60}, "system clock"),
        ({"iss": "another-service", "iat": 0}, "service not found"),
        ({"iss": notify_support.SERVICE_ID}, "system clock"),
    ],
)
def test_the_local_notify_checks_the_tokens_claims(notify_server, claims, says):
    now = int(time.time())
    body = {k: (now + v if k == "iat" else v) for k, v in claims.items()}
    token = jwt.encode(body, notify_support.SECRET, algorithm="HS256")
    answer = requests.post(
        f"{notify_server.base_url}/v2/notifications/sms",
        json={"phone_number": "07700900123", "template_id": notify_support.TEMPLATES["sms"][0]},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert answer.status_code == 403
    [error] = answer.json()["errors"]
    assert error["error"] == "AuthError" and says in error["message"]
    assert notify_server.received == []


def test_without_notify_texts_go_to_the_development_outbox(app, database, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    monkeypatch.setitem(app.config, "MAIL_OUTBOX_DIR", str(tmp_path))
    _area, _co, cook_user, _diner, pairing = _world()
    notifications.proposal_to_cook(pairing)
    database.session.commit()
    assert mail.deliver_pending() == 1
    [written] = tmp_path.glob("*-sms-07700900123.txt")
    text = written.read_text()
    assert text.startswith("To: 07700 900123") and "Would you like to cook for Edna?" in text


def test_with_only_an_smtp_relay_a_texter_is_rung_instead(app, database, smtp_server):
    _area, _co, cook_user, _diner, pairing = _world()
    notifications.proposal_to_cook(pairing)
    database.session.commit()
    [row] = _rows(database, person_id=cook_user.id)
    assert row.channel == ContactWay.PHONE and row.to_phone == "07700 900123"
    assert mail.deliver_pending() == 0 and smtp_server.messages == []
