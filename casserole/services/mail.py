"""Messages through an outbox: queued with the change that caused it, delivered after commit.

A message is a row written in the same transaction as the change it reports, so a crash
never loses one and a rolled-back change never sends one. Each row has a channel: e-mail,
SMS, letter, or a call for a coordinator to make (the call list; never "delivered" here).
Delivery runs after the request on a background thread (never blocking or breaking the
request), retries with back-off, and leaves failures visible to coordinators.

Backends: GOV.UK Notify when NOTIFY_API_KEY is set (e-mail, SMS, letters); else e-mail by
SMTP (MAIL_SERVER), and without MAIL_SERVER development writes each e-mail (.eml) and text
(.txt) into MAIL_OUTBOX_DIR. Without Notify, letters wait for the console's printable batch.
"""

from __future__ import annotations

import smtplib
import ssl
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

from flask import Flask, current_app, render_template
from jinja2 import TemplateNotFound
from sqlalchemy import select, update

from casserole.extensions import db
from casserole.i18n import with_locale
from casserole.models import ContactWay, EmailStatus, OutboundEmail, utcnow
from casserole.services import notify
from casserole.services.channels import Reach

MAX_ATTEMPTS = 5
# Back-off between attempts: 1, 5, 30 minutes, then 2 hours.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
# How long a claimed message is left to the deliverer that claimed it.
CLAIM_FOR = timedelta(minutes=10)
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
    diner_id: int | None = None,
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
        except TemplateNotFound:  # an HTML part is optional
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
        diner_id=diner_id,
        channel=ContactWay.EMAIL,
        status=EmailStatus.PENDING,
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    return message


def _render_first(names: list[str], **context: Any) -> str:
    """The first of these templates that exists, rendered."""
    for name in names:
        try:
            return render_template(name, **context)
        except TemplateNotFound:
            continue
    raise TemplateNotFound(names[-1])


def _exists(name: str) -> bool:
    try:
        current_app.jinja_env.get_template(name)
    except TemplateNotFound:
        return False
    return True


def has_own_text(template: str) -> bool:
    """True when a message has its own short text (`sms/<template>.txt`) for texts and letters."""
    return _exists(f"sms/{template}.txt")


def _render_message(reach: Reach, template: str, context: dict[str, Any]) -> str:
    """The text of an SMS, letter or call note: its own template, else the channel's fallback.

    A message's short text (`sms/<template>.txt`, the facts without links) is drawn inside
    `sms/_frame.txt` for a text, inside `letter/_frame.txt` for a letter that has no
    letter of its own (so someone offline reads what happened and what to do, never "follow
    this link"), and under the call list's line for a call (what to tell them).
    """
    channel = reach.channel
    if channel == ContactWay.PHONE:
        if not _exists(f"call/{template}.txt") and has_own_text(template):
            # Who to ring about what, then the facts to tell them.
            text = render_template("call/_frame.txt", body=f"sms/{template}.txt", **context)
            return _tidy(text, keep_paragraphs=False)
        return _render_first([f"call/{template}.txt", "call/_default.txt"], **context).strip()
    folder = "sms" if channel == ContactWay.SMS else "letter"
    if channel == ContactWay.LETTER and _exists(f"letter/{template}.txt"):
        return render_template(f"letter/{template}.txt", **context).strip()
    if has_own_text(template):
        text = render_template(f"{folder}/_frame.txt", body=f"sms/{template}.txt", **context)
        return _tidy(text, keep_paragraphs=channel == ContactWay.LETTER)
    fallback = "sms/_default.txt" if channel == ContactWay.SMS else f"email/{template}.txt"
    return render_template(fallback, **context).strip()


def _tidy(text: str, *, keep_paragraphs: bool) -> str:
    """One line per sentence group: no blank lines in a text, at most one in a letter."""
    lines = [line.strip() for line in text.splitlines()]
    if not keep_paragraphs:
        return "\n".join(line for line in lines if line)
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def queue_message(
    reach: Reach,
    subject: str,
    template: str,
    *,
    kind: str,
    area_id: int | None = None,
    pairing_id: int | None = None,
    locale: str | None = None,
    **context: Any,
) -> OutboundEmail:
    """Queue one message by `reach`'s channel, rendered for that channel.

    `locale` is the recipient's language (`i18n.locale_of`): the subject and the text of
    every channel (e-mail, SMS, letter, the call note) are rendered in it.

    E-mail: `email/<template>.txt` and `.html`. SMS: the short text `sms/<template>.txt`
    (framed by `sms/_frame.txt`), else a line with the subject and the link. Letter:
    `letter/<template>.txt`, else the short text in a letter's frame, else the e-mail's
    text. Call: `call/<template>.txt`, else who to ring about what (and the short text).
    """
    if reach.channel == ContactWay.EMAIL:
        return queue_email(
            reach.to_address,
            subject,
            template,
            kind=kind,
            area_id=area_id,
            pairing_id=pairing_id,
            person_id=reach.person_id,
            diner_id=reach.diner_id,
            locale=locale,
            **context,
        )
    with with_locale(locale):
        subject = str(subject)
        context = {"subject": subject, "reach": reach, **context}
        text_body = _render_message(reach, template, context)
    message = OutboundEmail(
        kind=kind,
        channel=reach.channel,
        to_address="",
        to_phone=reach.to_phone,
        postal_address=reach.postal_address,
        subject=subject[:200],
        text_body=text_body,
        html_body="",
        area_id=area_id,
        pairing_id=pairing_id,
        person_id=reach.person_id,
        diner_id=reach.diner_id,
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


def _outbox(config: Any) -> Path:
    outbox = Path(config.get("MAIL_OUTBOX_DIR") or Path(current_app.instance_path) / "outbox")
    outbox.mkdir(parents=True, exist_ok=True)
    return outbox


def _send(msg: EmailMessage, config: dict[str, Any]) -> None:
    """Hand one message to the SMTP relay, or write it to the development outbox."""
    server = config.get("MAIL_SERVER")
    if not server:
        name = f"{utcnow():%Y%m%d-%H%M%S-%f}-{msg['To'].replace('@', '_at_')}.eml"
        (_outbox(config) / name).write_bytes(bytes(msg))
        return
    port = int(config.get("MAIL_PORT") or 587)
    with smtplib.SMTP(server, port, timeout=float(config.get("MAIL_TIMEOUT", 10))) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(msg)


def _deliver_one(row: OutboundEmail, config: Any) -> str:
    """Send one row by its channel's backend; returns the provider's id (or "")."""
    if config.get("NOTIFY_API_KEY"):
        return notify.send(row, config)
    if row.channel == ContactWay.SMS:
        # Development only (channels routes texts to the call list when a relay has no SMS).
        digits = "".join(c for c in row.to_phone if c.isdigit())
        name = f"{utcnow():%Y%m%d-%H%M%S-%f}-sms-{digits}.txt"
        (_outbox(config) / name).write_text(f"To: {row.to_phone}\n\n{row.text_body}\n")
        return ""
    _send(build_message(row, config["MAIL_DEFAULT_SENDER"]), config)
    return ""


def deliverable(config: Any) -> Any:
    """The SQL condition for rows a backend sends: never calls; letters only through Notify."""
    channels = [ContactWay.EMAIL, ContactWay.SMS]
    if config.get("NOTIFY_API_KEY"):
        channels.append(ContactWay.LETTER)
    return OutboundEmail.channel.in_(channels)


def deliver_pending(now: datetime | None = None, limit: int = 100) -> int:
    """Send every due pending message; returns how many went.

    Passing failures (a refused connection, Notify's 429 or 5xx) are retried with back-off
    (`attempts` and `next_attempt_at` are stored) and marked failed after MAX_ATTEMPTS; a
    permanent one (Notify's 400: a bad number or address) is marked failed at once with
    Notify's reason, for the coordinator to act on. A scheduler may call this plainly.
    """
    config = current_app.config
    now = now or utcnow()
    rows = list(
        db.session.scalars(
            select(OutboundEmail)
            .where(
                OutboundEmail.status == EmailStatus.PENDING,
                OutboundEmail.next_attempt_at <= now,
                deliverable(config),
            )
            .order_by(OutboundEmail.id)
            .limit(limit)
        )
    )
    sent = 0
    for row in rows:
        # Claim the message in its own commit before sending: another deliverer running at
        # the same moment (a web process's thread, a worker's job, beat's minute) skips it
        # instead of sending it too. A deliverer killed after its claim leaves the message
        # to be tried again once CLAIM_FOR has passed.
        claimed = db.session.execute(
            update(OutboundEmail)
            .where(
                OutboundEmail.id == row.id,
                OutboundEmail.status == EmailStatus.PENDING,
                OutboundEmail.next_attempt_at <= now,
            )
            .values(next_attempt_at=now + CLAIM_FOR)
        ).rowcount
        db.session.commit()
        if not claimed:
            continue
        row.attempts += 1
        try:
            row.provider_ref = _deliver_one(row, config)
        except (OSError, smtplib.SMTPException, notify.SendError) as err:
            permanent = isinstance(err, notify.SendError) and err.permanent
            if isinstance(err, notify.SendError):
                row.last_error = err.reason
            else:
                row.last_error = f"{type(err).__name__}: {err}"[:1000]
            if permanent or row.attempts >= MAX_ATTEMPTS:
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
