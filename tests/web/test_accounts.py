"""Accounts: remember me, password reset and e-mail change by signed, single-use, expiring links."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casserole.models import OutboundEmail, Role
from casserole.services import accounts
from tests.support import factories as f
from tests.support.smtp import NEW_PASSWORD, link_in


@pytest.fixture
def edna(database):
    return f.user(Role.DINER, email="edna@example.org", first_name="Edna")


def test_remember_me_sets_a_lasting_cookie_that_dies_with_the_session_version(client, edna, auth):
    page = auth.login("edna@example.org", remember="y")
    assert "remember_token=" in " ".join(page.headers.getlist("Set-Cookie"))
    plain = auth.on(client.application.test_client()).login("edna@example.org")
    assert "remember_token=" not in " ".join(plain.headers.getlist("Set-Cookie"))


def test_password_reset_through_the_emailed_link(client, edna, smtp_server, database, auth):
    page = client.post("/auth/reset", data={"email": "EDNA@example.org"}, follow_redirects=True)
    assert "If an account uses EDNA@example.org, we have sent it a link" in page.get_data(
        as_text=True
    )
    [message] = smtp_server.messages
    assert (
        message["To"] == "edna@example.org"
        and "Reset your Casserole password" in message["Subject"]
    )
    path = link_in(message)
    assert path.startswith("/auth/reset/")
    # Someone logged in elsewhere with the old password.
    other = client.application.test_client()
    auth.on(other).login("edna@example.org")
    version = edna.session_version
    form = client.get(path)
    assert form.status_code == 200 and "Choose a new password" in form.get_data(as_text=True)
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert edna.session_version == version + 1
    assert "Hello, Edna" in client.get("/").get_data(as_text=True)  # logged in here
    assert "Hello, Edna" not in other.get("/").get_data(as_text=True)  # and out elsewhere
    # The link works once.
    again = client.get(path)
    assert again.status_code == 400 and "already been used" in again.get_data(as_text=True)
    client.post("/auth/logout")
    assert auth.attempt("edna@example.org").status_code == 422
    assert auth.attempt("edna@example.org", NEW_PASSWORD).status_code == 302


def test_reset_form_does_not_reveal_whether_an_address_has_an_account(client, edna, database):
    known = client.post("/auth/reset", data={"email": "edna@example.org"}, follow_redirects=True)
    unknown = client.post(
        "/auth/reset", data={"email": "nobody@example.org"}, follow_redirects=True
    )
    strip = lambda page: page.get_data(as_text=True).replace("edna@", "X@").replace("nobody@", "X@")  # noqa: E731
    assert known.status_code == unknown.status_code == 200
    assert strip(known) == strip(unknown)
    sent = database.session.scalars(select(OutboundEmail.to_address)).all()
    assert sent == ["edna@example.org"]


def test_reset_links_expire(client, edna, database, monkeypatch):
    token = _reset_token(edna)
    monkeypatch.setattr(accounts, "RESET_MAX_AGE_SECONDS", -1)
    page = client.get(f"/auth/reset/{token}")
    assert page.status_code == 400 and "This link has expired" in page.get_data(as_text=True)


@pytest.mark.parametrize("token", ["nonsense", "eyJ1IjoxfQ.aaaa.bbbb"])
def test_tampered_reset_links_are_refused(client, edna, token):
    page = client.get(f"/auth/reset/{token}")
    assert page.status_code == 400 and "not valid" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("short", "short", "Use at least 10 characters"),
        ("1234567890", "1234567890", "That password is too common"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "The two passwords are different"),
    ],
)
def test_a_weak_new_password_is_refused_and_the_link_still_works(
    client, edna, password, confirm, message
):
    token = _reset_token(edna)
    page = client.post(f"/auth/reset/{token}", data={"password": password, "confirm": confirm})
    assert page.status_code == 422 and message in page.get_data(as_text=True)
    assert client.get(f"/auth/reset/{token}").status_code == 200


def _reset_token(user):
    from flask import current_app
    from itsdangerous import URLSafeTimedSerializer

    serializer = URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt="casserole.password-reset"
    )
    return serializer.dumps({"u": user.id, "h": accounts._reset_fingerprint(user)})


def test_email_change_happens_only_on_confirmation_and_tells_the_old_address(
    client, edna, smtp_server, auth
):
    auth.login("edna@example.org")
    page = client.post(
        "/auth/email", data={"email": "edna.new@example.org", "password": f.PASSWORD}
    )
    assert page.status_code == 302
    assert edna.email == "edna@example.org"  # nothing changes yet
    [confirm] = smtp_server.messages
    assert confirm["To"] == "edna.new@example.org"
    path = link_in(confirm)
    assert "edna.new@example.org" in client.get(path).get_data(as_text=True)
    assert edna.email == "edna@example.org"  # opening the link is not enough
    assert client.post(path).status_code == 302
    assert edna.email == "edna.new@example.org"
    notice = smtp_server.messages[1]
    assert notice["To"] == "edna@example.org" and "was changed" in notice["Subject"]
    # Used once; following it again changes nothing.
    assert client.post(path).status_code == 400
    client.post("/auth/logout")
    assert auth.attempt("edna.new@example.org").status_code == 302


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("taken@example.org", f.PASSWORD, "Another account already uses that e-mail address."),
        ("edna@example.org", f.PASSWORD, "That is already your e-mail address."),
        ("fresh@example.org", "wrong password", "That is not your current password."),
        ("not-an-address", f.PASSWORD, "Enter an e-mail address like name@example.com."),
    ],
)
def test_email_change_refuses_bad_requests(client, edna, database, email, password, message, auth):
    f.user(Role.COOK, email="taken@example.org")
    auth.login("edna@example.org")
    page = client.post("/auth/email", data={"email": email, "password": password})
    assert page.status_code == 422 and message in page.get_data(as_text=True)
    assert database.session.scalars(select(OutboundEmail)).all() == []


def test_email_change_needs_a_login(client, edna):
    assert client.get("/auth/email").status_code == 302


def test_a_confirmation_for_an_address_taken_meanwhile_is_refused(
    client, edna, database, smtp_server, auth
):
    auth.login("edna@example.org")
    client.post("/auth/email", data={"email": "edna.new@example.org", "password": f.PASSWORD})
    path = link_in(smtp_server.messages[0])
    f.user(Role.COOK, email="edna.new@example.org")
    page = client.post(path)
    assert page.status_code == 400 and "Another account now uses" in page.get_data(as_text=True)
    assert edna.email == "edna@example.org"


def test_passwords_are_argon2id_and_old_scrypt_hashes_upgrade_at_login(client, database):
    from werkzeug.security import generate_password_hash

    from casserole.services.accounts import hash_password, verify_password

    assert hash_password("a long passphrase").startswith("$argon2id$")
    old = f.user(Role.CARER, email="old@example.org")
    old.password_hash = generate_password_hash(f.PASSWORD, method="scrypt")
    database.session.commit()
    assert (
        client.post(
            "/auth/login", data={"email": "old@example.org", "password": f.PASSWORD}
        ).status_code
        == 302
    )
    database.session.refresh(old)
    assert old.password_hash.startswith("$argon2id$")
    assert verify_password(old.password_hash, f.PASSWORD)
    assert not verify_password(old.password_hash, "wrong")


def _statements_on_this_thread(app, database, action) -> int:
    """How many SQL statements `action` runs on the request's own thread."""
    import threading

    from sqlalchemy import event

    engine = database.engine
    mine = threading.get_ident()
    seen = []

    def count(*_args, **_kwargs):
        if threading.get_ident() == mine:
            seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_a_reset_request_does_the_same_work_for_known_and_unknown_addresses(
    client, edna, database, monkeypatch
):
    monkeypatch.setitem(client.application.config, "MAIL_SEND_SYNC", False)
    monkeypatch.setitem(client.application.config, "MAIL_SERVER", None)

    def ask(email):
        return lambda: client.post("/auth/reset", data={"email": email}).close()

    known = _statements_on_this_thread(client.application, database, ask("edna@example.org"))
    unknown = _statements_on_this_thread(client.application, database, ask("nobody@example.org"))
    assert known == unknown
    # The known address still gets its link, from the background thread.
    accounts._background.submit(lambda: None).result(timeout=30)
    database.session.expire_all()
    sent = database.session.scalars(select(OutboundEmail.to_address)).all()
    assert sent == ["edna@example.org"]
