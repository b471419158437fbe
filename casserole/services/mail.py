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

import email
import email.policy
import re
import smtplib
import ssl
import time
from collections.abc import Collection, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

from flask import Flask, current_app, render_template
from jinja2 import TemplateNotFound
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

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
# Set on a session that has flushed a message waiting to go (new, or put back to pending).
_DUE = "casserole_mail_due"


@event.listens_for(Session, "before_flush")
def _note_due_mail(session: Session, _context: Any, _instances: Any) -> None:
    """Remember that this unit of work leaves mail to send, for `dispatch`."""
    for row in (*session.new, *session.dirty):
        if isinstance(row, OutboundEmail) and row.status == EmailStatus.PENDING:
            session.info[_DUE] = True
            return


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
    """Have due messages sent: now (MAIL_SEND_SYNC), by the worker, or on a background thread.

    With a job queue configured the worker sends them (the "deliver-mail" job): a web
    process only says there is mail, and its CPU stays with page views. Without a queue
    (`make run`), or when the queue cannot be reached, this process's thread sends them.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    due = db.session.info.pop(_DUE, False)
    if app.config.get("MAIL_SEND_SYNC"):
        deliver_pending()
        return None
    celery = app.extensions.get("celery")
    if celery is not None and not celery.conf.task_always_eager:
        if not due:
            # Nothing was queued by this change (most meal logs, most page actions): no job
            # for the worker. Anything else due goes with the scheduler's minute.
            return None
        try:
            # No publishing retries: an unreachable broker falls back to the thread at once.
            celery.tasks["casserole.periodic"].apply_async(args=("deliver-mail",), retry=False)
            return None
        except Exception as err:  # noqa: BLE001 - any broker failure: send from here instead
            app.logger.warning("mail: queue unreachable (%s); sending here", type(err).__name__)
    return _executor.submit(_deliver_in_context, app)


def deliver_due(seconds: float = 50.0, batch: int = 100) -> int:
    """Send due messages batch after batch until none is left (or `seconds` have passed).

    The queue's "deliver-mail" job: after "approve all" thousands are due at once, and one
    batch a minute would take an hour. A batch that sends nothing (the relay is down) ends
    the round; the next minute's run tries again.
    """
    started = time.monotonic()
    total = 0
    while True:
        sent = deliver_pending(limit=batch)
        total += sent
        if sent == 0 or time.monotonic() - started > seconds:
            return total


def _deliver_in_context(app: Flask) -> int:
    with app.app_context():
        try:
            return deliver_pending()
        finally:
            db.session.remove()


# The outbox row a message came from: names the development copy (so erasure finds it),
# and is taken off before a message leaves for a relay.
ROW_HEADER = "X-Casserole-Row"


def build_message(row: OutboundEmail, sender: str) -> EmailMessage:
    """The MIME message for an outbox row: plain text, with an HTML alternative if any."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = row.to_address
    msg["Subject"] = row.subject
    msg["Message-ID"] = make_msgid(domain="casserole.local")
    if row.id is not None:
        msg[ROW_HEADER] = str(row.id)
    msg.set_content(row.text_body)
    if row.html_body:
        msg.add_alternative(row.html_body, subtype="html")
    return msg


def _outbox_path(config: Any) -> Path:
    return Path(config.get("MAIL_OUTBOX_DIR") or Path(current_app.instance_path) / "outbox")


def _outbox(config: Any) -> Path:
    outbox = _outbox_path(config)
    outbox.mkdir(parents=True, exist_ok=True)
    return outbox


def _copy_name(row_id: Any, rest: str) -> str:
    """A development copy's file name: when, the outbox row (m12), then who it went to."""
    row = f"-m{row_id}" if row_id else ""
    return f"{utcnow():%Y%m%d-%H%M%S-%f}{row}-{rest}"


def _send(msg: EmailMessage, config: dict[str, Any]) -> None:
    """Hand one message to the SMTP relay, or write it to the development outbox."""
    server = config.get("MAIL_SERVER")
    if not server:
        name = _copy_name(msg[ROW_HEADER], f"{msg['To'].replace('@', '_at_')}.eml")
        (_outbox(config) / name).write_bytes(bytes(msg))
        return
    del msg[ROW_HEADER]
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
        name = _copy_name(row.id, f"sms-{digits}.txt")
        (_outbox(config) / name).write_text(f"To: {row.to_phone}\n\n{row.text_body}\n")
        return ""
    _send(build_message(row, config["MAIL_DEFAULT_SENDER"]), config)
    return ""


def _copy_text(path: Path) -> str:
    """A development copy as a reader sees it: headers and decoded parts (bodies may be
    quoted-printable or base64 in the file)."""
    data = path.read_bytes()
    if path.suffix != ".eml":
        return data.decode("utf-8", "replace")
    msg = email.message_from_bytes(data, policy=email.policy.default)
    parts = [f"{key}: {value}" for key, value in msg.items()]
    for part in msg.walk():
        if not part.is_multipart():
            try:
                parts.append(str(part.get_content()))
            except (LookupError, ValueError):
                parts.append(part.get_payload(decode=False) or "")
    return "\n".join(parts)


def _phone_pattern(phone: str) -> re.Pattern[str] | None:
    """A phone number however it was written: spaces or dashes between digits, 0 or +44."""
    digits = "".join(c for c in phone if c.isdigit())
    if len(digits) < 6:
        return None
    if digits.startswith("44"):
        digits = "0" + digits[2:]
    national = digits[1:] if digits.startswith("0") else digits
    spaced = r"[\s\-()]*".join(national)
    return re.compile(rf"(?:0|\+?44[\s\-()]*(?:\(0\))?)[\s\-()]*{spaced}(?!\d)")


def keeps_copies() -> bool:
    """Whether a development outbox folder exists (so erasure has copies to look through)."""
    return _outbox_path(current_app.config).is_dir()


def forget_copies(
    message_ids: Collection[int], addresses: Iterable[str] = (), phones: Iterable[str] = ()
) -> int:
    """Delete the development outbox's copies of these messages, and every copy naming one of
    these e-mail addresses or phone numbers (in its file name or its text); returns how many.

    Erasure calls it: a copy is the person's data as much as the row it came from. Copies
    written before rows named their files are found by the address or number alone.
    """
    outbox = _outbox_path(current_app.config)
    if not outbox.is_dir():
        return 0
    ids = {str(i) for i in message_ids}
    phones = [p for p in phones if p]
    wanted = [a.lower() for a in [*addresses, *phones] if a]
    names = [a.replace("@", "_at_") for a in wanted if "@" in a]
    patterns = [p for p in (_phone_pattern(n) for n in phones if n) if p is not None]
    removed = 0
    for path in outbox.iterdir():
        if not path.is_file() or path.suffix not in (".eml", ".txt"):
            continue
        row = _ROW_IN_NAME.search(path.name)
        lowered = path.name.lower()
        hit = (row is not None and row.group(1) in ids) or any(n in lowered for n in names)
        if not hit and (wanted or patterns):
            text = _copy_text(path)
            folded = text.lower()
            hit = any(a in folded for a in wanted) or any(p.search(text) for p in patterns)
            # A text's file name holds the number's digits only.
            hit = hit or any(p.search(path.name) for p in patterns)
        if hit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


_ROW_IN_NAME = re.compile(r"^\d{8}-\d{6}-\d+-m(\d+)-")


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
