"""Login, password reset and sign-up are rate-limited per address and per account."""

from __future__ import annotations

import pytest

from casserole.extensions import limiter
from casserole.models import Role
from tests.support import factories as f

WRONG = "wrong password"


@pytest.fixture
def limited(app, monkeypatch):
    """The production limits for one test (the suite's own are out of reach), counted afresh."""
    from casserole.ratelimits import DEFAULTS

    for name, value in DEFAULTS.items():
        monkeypatch.setitem(app.config, name, value)
    limiter.reset()
    yield
    limiter.reset()


def test_one_account_is_limited_from_any_address(client, limited, auth):
    f.user(Role.CARER, email="ruth@example.org")
    for n in range(10):
        assert auth.attempt("ruth@example.org", WRONG, ip=f"10.0.0.{n}").status_code == 422
    blocked = auth.attempt("ruth@example.org", WRONG, ip="10.0.9.9")
    assert blocked.status_code == 429
    assert "tried that too many times" in blocked.get_data(as_text=True)
    # Someone else is not locked out by it.
    f.user(Role.CARER, email="sam@example.org")
    assert auth.attempt("sam@example.org", password=f.PASSWORD, ip="10.0.9.9").status_code == 302


def test_one_address_is_limited_across_accounts(client, limited, app, monkeypatch, auth):
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_IP", "5 per minute")
    for n in range(5):
        assert auth.attempt(f"person{n}@example.org", WRONG, ip="10.0.0.1").status_code == 422
    assert auth.attempt("person9@example.org", WRONG, ip="10.0.0.1").status_code == 429
    assert auth.attempt("person9@example.org", WRONG, ip="10.0.0.2").status_code == 422


def test_password_reset_mails_are_limited_per_account(client, limited):
    f.user(Role.CARER, email="ruth@example.org")
    statuses = [
        client.post(
            "/auth/reset",
            data={"email": "ruth@example.org"},
            environ_base={"REMOTE_ADDR": f"10.1.0.{n}"},
        ).status_code
        for n in range(4)
    ]
    assert statuses[:3] != [429] * 3 and statuses[3] == 429


def test_sign_up_is_limited_per_address(client, limited, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_SIGNUP_IP", "2 per hour")
    assert client.post("/join/cook", data={}).status_code == 422
    assert client.post("/join/diner", data={}).status_code == 422
    assert client.post("/join/carer", data={}).status_code == 429


def test_reading_the_forms_is_never_limited(client, limited, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_IP", "1 per minute")
    for _ in range(5):
        assert client.get("/auth/login").status_code == 200
