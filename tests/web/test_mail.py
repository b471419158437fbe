"""The outbox: mail goes out through real SMTP after commit, is retried, and is never lost."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from casserole.models import EmailStatus, OutboundEmail, utcnow
from casserole.services import mail


def _queue(database, to="edna@example.org"):
    row = mail.queue_email(to, "Hello", "test_message", kind="test", name="Edna")
    database.session.commit()
    return row


def test_message_is_delivered_through_smtp_with_text_and_html(database, smtp_server):
    row = _queue(database)
    assert mail.deliver_pending() == 1
    assert row.status == EmailStatus.SENT and row.sent_at is not None and row.attempts == 1
    [msg] = smtp_server.messages
    assert msg["To"] == "edna@example.org" and msg["Subject"] == "Hello"
    assert "Hello Edna" in msg.get_body(("plain",)).get_content()
    assert "<p>Hello Edna,</p>" in msg.get_body(("html",)).get_content()


def test_a_rolled_back_change_sends_nothing(database, smtp_server):
    mail.queue_email("edna@example.org", "Hello", "test_message", kind="test", name="Edna")
    database.session.rollback()
    assert mail.deliver_pending() == 0
    assert smtp_server.messages == []


def test_failed_sends_are_retried_then_marked_failed(app, database, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", 9)  # nothing listens on discard
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 2)
    row = _queue(database)
    assert mail.deliver_pending() == 0
    assert row.status == EmailStatus.PENDING and row.attempts == 1
    assert row.next_attempt_at > utcnow() + timedelta(seconds=30)
    assert "ConnectionRefusedError" in row.last_error
    assert mail.deliver_pending() == 0 and row.attempts == 1  # not due yet
    for _ in range(mail.MAX_ATTEMPTS - 1):
        row.next_attempt_at = utcnow() - timedelta(seconds=1)
        database.session.commit()
        mail.deliver_pending()
    assert row.status == EmailStatus.FAILED and row.attempts == mail.MAX_ATTEMPTS


def test_a_retry_succeeds_once_the_relay_is_back(app, database, smtp_server, monkeypatch):
    port = app.config["MAIL_PORT"]
    monkeypatch.setitem(app.config, "MAIL_PORT", 9)
    row = _queue(database)
    mail.deliver_pending()
    assert row.status == EmailStatus.PENDING
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    row.next_attempt_at = utcnow() - timedelta(seconds=1)
    database.session.commit()
    assert mail.deliver_pending() == 1
    assert len(smtp_server.messages) == 1 and row.status == EmailStatus.SENT


def test_development_outbox_writes_readable_files(app, database, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    monkeypatch.setitem(app.config, "MAIL_OUTBOX_DIR", str(tmp_path))
    _queue(database)
    assert mail.deliver_pending() == 1
    [eml] = list(tmp_path.glob("*.eml"))
    assert "Hello Edna" in eml.read_text()


def test_deliver_mail_command(app, database, smtp_server):
    _queue(database)
    result = app.test_cli_runner().invoke(args=["deliver-mail"])
    assert result.exit_code == 0 and "Sent 1 message." in result.output
    assert database.session.scalar(select(OutboundEmail.status)) == EmailStatus.SENT


def test_the_queue_job_sends_every_due_message_not_one_batch(app, database, tmp_path, monkeypatch):
    # "Approve all" leaves thousands due at once: the minute's job drains them all.
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    monkeypatch.setitem(app.config, "MAIL_OUTBOX_DIR", str(tmp_path))
    for n in range(25):
        _queue(database, to=f"person{n}@example.org")
    assert mail.deliver_due(batch=10) == 25
    assert len(list(tmp_path.glob("*.eml"))) == 25
    statuses = set(database.session.scalars(select(OutboundEmail.status)))
    assert statuses == {EmailStatus.SENT}


def test_the_queue_job_stops_when_the_relay_is_down(app, database, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", 9)  # nothing listens on discard
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    for n in range(3):
        _queue(database, to=f"person{n}@example.org")
    # One round, each message tried once and put back for later: no spinning on a dead relay.
    assert mail.deliver_due(batch=2) == 0
    attempts = database.session.scalars(select(OutboundEmail.attempts)).all()
    assert sorted(attempts) == [0, 1, 1]


def test_without_a_queue_this_process_sends_in_the_background(app, database, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SEND_SYNC", False)
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    monkeypatch.setitem(app.config, "MAIL_OUTBOX_DIR", str(tmp_path))
    # No broker (`make run`); CI's PostgreSQL pass has one, so say so here.
    monkeypatch.setitem(app.extensions["celery"].conf, "task_always_eager", True)
    _queue(database)
    assert mail.dispatch().result(timeout=30) == 1
    assert len(list(tmp_path.glob("*.eml"))) == 1
