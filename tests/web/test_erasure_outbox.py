"""Erasure reaches the development outbox too: no copy of a message (.eml, .txt) and no message
row keeps an erased person's e-mail address, phone number or name."""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from casserole.extensions import db
from casserole.models import OutboundEmail
from casserole.services import mail
from tests.support.erasure_world import erasure_world as _world
from tests.support.markers import digit_marker
from tests.support.markers import marker as _marker


def _read(path: Path) -> str:
    """A copy as a person would read it: file name, headers and decoded text (a body may be
    quoted-printable or base64 in the file, where a plain grep would miss a name)."""
    data = path.read_bytes()
    if path.suffix != ".eml":
        return f"{path.name}\n{data.decode('utf-8', 'replace')}"
    msg = email.message_from_bytes(data, policy=email.policy.default)
    parts = [path.name, *(f"{k}: {v}" for k, v in msg.items())]
    parts += [str(p.get_content()) for p in msg.walk() if not p.is_multipart()]
    return "\n".join(parts) + "\n" + data.decode("utf-8", "replace")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _in_outbox(outbox: Path, needle: str) -> list[str]:
    """Files holding `needle`; a phone's digits are also looked for with nothing between."""
    found = []
    for path in sorted(outbox.iterdir()):
        text = _read(path)
        if needle.lower() in text.lower() or (
            needle.isdigit() and needle in _digits(text.replace(" ", ""))
        ):
            found.append(path.name)
    return found


def _in_messages(needle: str) -> list[int]:
    """Message rows (e-mail, SMS, letters, calls) holding `needle` in any text column."""
    db.session.commit()
    rows = db.session.scalars(select(OutboundEmail)).all()
    columns = ("to_address", "to_phone", "postal_address", "subject", "text_body", "html_body")
    columns += ("last_error", "outcome")
    return [
        r.id
        for r in rows
        if any(
            needle.lower() in (getattr(r, c) or "").lower()
            or (needle.isdigit() and needle in _digits(getattr(r, c) or ""))
            for c in columns
        )
    ]


@pytest.fixture
def outbox(app, tmp_path, monkeypatch):
    """A development outbox of this test's own (no relay, no Notify)."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    monkeypatch.setitem(app.config, "NOTIFY_API_KEY", None)
    monkeypatch.setitem(app.config, "MAIL_OUTBOX_DIR", str(tmp_path))
    return tmp_path


def test_erasure_removes_every_copy_and_row_of_their_messages(client, database, auth, outbox):
    dm, cm = _marker("qxd"), _marker("qxc")
    dp, cp = digit_marker(), digit_marker()
    carer, diner, cook_user = _world(dm, cm, dp, cp)
    cook_email, cook_phone = cook_user.email, cook_user.phone
    diner_phone = diner.phone
    assert mail.deliver_pending() > 0
    # Copies written before files were named by their row: found by address or number.
    (outbox / f"20250101-000000-000001-{cm}_at_example.org.eml").write_text(
        f"To: {cook_email}\nSubject: Old\n\nRing me back on {cook_phone}.\n"
    )
    (outbox / "20250101-000000-000002-sms-0770090000.txt").write_text(
        f"To: 07700 900000\n\nCall {cook_phone} please\n"
    )
    someone_else = outbox / "20250101-000000-000003-olive_at_example.org.eml"
    someone_else.write_text("To: olive@example.org\nSubject: Hello\n\nNothing about them.\n")
    # Before: the copies hold each of them (so the checks below can fail).
    for needle in (dm, dp, cm, cp, cook_email):
        assert _in_outbox(outbox, needle), needle
    assert any(p.suffix == ".txt" for p in outbox.iterdir())  # texts to the cook

    auth.login("carer@example.org")
    assert (
        client.post(f"/my-data/diners/{diner.id}/erase", data={"confirm": "y"}).status_code == 302
    )
    mail.deliver_pending()
    for needle in (dm, dp, _digits(diner_phone), f"Edna {dm}"):
        assert _in_outbox(outbox, needle) == [], needle
        assert _in_messages(needle) == [], needle
    # The cook is not erased yet: copies to them that never named the diner stay.
    assert _in_outbox(outbox, cm)

    client.post("/auth/logout")
    auth.login(cook_email)
    assert client.post("/my-data/erase", data={"confirm": "y"}).status_code == 302
    mail.deliver_pending()
    for needle in (cm, cp, cook_email, _digits(cook_phone), f"Priya {cm}"):
        assert _in_outbox(outbox, needle) == [], needle
        assert _in_messages(needle) == [], needle
    # Someone else's copy is theirs to keep.
    assert someone_else.exists()


def test_a_relay_never_sees_the_row_header(app, database, smtp_server):
    row = OutboundEmail(kind="test", to_address="a@example.org", subject="Hi", text_body="Hello")
    db.session.add(row)
    db.session.commit()
    assert mail.deliver_pending() == 1
    [received] = smtp_server.messages
    assert received[mail.ROW_HEADER] is None and received["To"] == "a@example.org"


def test_a_number_is_found_however_it_was_written(database, outbox):
    written = {
        "20250101-000000-000001-a_at_example.org.eml": "Subject: x\n\nRing +44 7700 900123.\n",
        "20250101-000000-000002-b_at_example.org.eml": "Subject: x\n\nRing 07700-900-123.\n",
        "20250101-000000-000003-sms-447700900123.txt": "To: +447700900123\n\nHello\n",
        "20250101-000000-000004-c_at_example.org.eml": "Subject: x\n\nRing 07700 900124.\n",
        "20250101-000000-000005-m7-d_at_example.org.eml": "Subject: x\n\nNothing.\n",
        "20250101-000000-000006-m17-e_at_example.org.eml": "Subject: x\n\nNothing.\n",
    }
    for name, text in written.items():
        (outbox / name).write_text(text)
    assert mail.forget_copies([17], phones=["07700 900123"]) == 4
    left = sorted(p.name[23:] for p in outbox.iterdir())
    assert left == ["c_at_example.org.eml", "m7-d_at_example.org.eml"]
