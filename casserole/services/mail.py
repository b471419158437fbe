"""E-mail through an outbox: queued with the change that caused it, delivered after commit.

A message is a row written in the same transaction as the change it reports, so a crash
never loses one and a rolled-back change never sends one. Delivery runs after the request
on a background thread (never blocking or breaking the request), retries with back-off,
and leaves failures visible to coordinators. Without MAIL_SERVER, development writes each
message as an .eml file into MAIL_OUTBOX_DIR for a developer to read.
"""

from __future__ import annotations

import smtplib
import ssl
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

from flask import Flask, current_app, render_template
from sqlalchemy import select

from casserole.extensions import db
from casserole.i18n import with_locale
from casserole.models import EmailStatus, OutboundEmail, utcnow

MAX_ATTEMPTS = 5
# Back-off between attempts: 1, 5, 30 minutes, then 2 hours.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="casserole-mail")


def queue_email(
    to: str,
    subject: str,
    template: str,
    *,
    kind: str,
    area_id: int | None = None,
    pairing_id: int | None = None,
    person_id: int | None = None,
    locale: str | None = None,
    **context: Any,
) -> OutboundEmail:
    """Render `email/<template>.txt` and `.html` and add the message to the session.

    `locale` is the recipient's language (`i18n.locale_of(user)`): the subject (a lazy
    string) and both bodies are rendered in it, whatever the sender's page was in.
    The caller commits it together with the change it reports, then calls `dispatch()`.
    """
    with with_locale(locale):
        subject = str(subject)
        text_body = render_template(f"email/{template}.txt", **context)
        try:
            html_body = render_template(f"email/{template}.html", **context)
        except Exception as err:  # noqa: BLE001 - an HTML part is optional
            if err.__class__.__name__ != "TemplateNotFound":
                raise
            html_body = ""
    message = OutboundEmail(
        kind=kind,
        to_address=to,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        area_id=area_id,
        pairing_id=pairing_id,
        person_id=person_id,
        status=EmailStatus.PENDING,
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    return message


def dispatch() -> Future[int] | None:
    """Deliver due messages on the background thread (or now, if MAIL_SEND_SYNC is set)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("MAIL_SEND_SYNC"):
        deliver_pending()
        return None
    return _executor.submit(_deliver_in_context, app)


def _deliver_in_context(app: Flask) -> int:
    with app.app_context():
        try:
            return deliver_pending()
        finally:
            db.session.remove()


def build_message(row: OutboundEmail, sender: str) -> EmailMessage:
    """The MIME message for an outbox row: plain text, with an HTML alternative if any."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = row.to_address
    msg["Subject"] = row.subject
    msg["Message-ID"] = make_msgid(domain="casserole.local")
    msg.set_content(row.text_body)
    if row.html_body:
        msg.add_alternative(row.html_body, subtype="html")
    return msg


def _send(msg: EmailMessage, config: dict[str, Any]) -> None:
    """Hand one message to the SMTP relay, or write it to the development outbox."""
    server = config.get("MAIL_SERVER")
    if not server:
        outbox = Path(config.get("MAIL_OUTBOX_DIR") or Path(current_app.instance_path) / "outbox")
        outbox.mkdir(parents=True, exist_ok=True)
        name = f"{utcnow():%Y%m%d-%H%M%S-%f}-{msg['To'].replace('@', '_at_')}.eml"
        (outbox / name).write_bytes(bytes(msg))
        return
    port = int(config.get("MAIL_PORT") or 587)
    with smtplib.SMTP(server, port, timeout=float(config.get("MAIL_TIMEOUT", 10))) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(msg)


def deliver_pending(limit: int = 100) -> int:
    """Send every due pending message; returns how many went. Failures are retried later."""
    config = current_app.config
    now = utcnow()
    rows = list(
        db.session.scalars(
            select(OutboundEmail)
            .where(
                OutboundEmail.status == EmailStatus.PENDING, OutboundEmail.next_attempt_at <= now
            )
            .order_by(OutboundEmail.id)
            .limit(limit)
        )
    )
    sent = 0
    for row in rows:
        row.attempts += 1
        try:
            _send(build_message(row, config["MAIL_DEFAULT_SENDER"]), config)
        except (OSError, smtplib.SMTPException) as err:
            row.last_error = f"{type(err).__name__}: {err}"[:1000]
            if row.attempts >= MAX_ATTEMPTS:
                row.status = EmailStatus.FAILED
            else:
                row.next_attempt_at = now + RETRY_DELAYS[min(row.attempts, len(RETRY_DELAYS)) - 1]
        else:
            row.status = EmailStatus.SENT
            row.sent_at = utcnow()
            row.last_error = ""
            sent += 1
        # Commit per message so one slow or failing relay never re-sends the ones before it.
        db.session.commit()
    return sent
