"""Login, password reset and sign-up are rate-limited per address and per account."""

from __future__ import annotations

import pytest

from casserole.extensions import db, limiter
from casserole.models import Role
from tests.support import factories as f
from tests.support.auth import ClientAuth

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


def test_successful_logins_do_not_count_towards_the_account_limit(client, limited):
    f.user(Role.CARER, email="ruth@example.org")
    statuses = [
        ClientAuth(client.application.test_client())
        .attempt("ruth@example.org", f.PASSWORD)
        .status_code
        for _ in range(15)
    ]
    assert statuses == [302] * 15


def test_failures_elsewhere_do_not_lock_the_owner_out_of_her_own_browser(client, limited):
    f.user(Role.COORDINATOR, email="coord@example.org")
    # The coordinator has logged in from this browser before.
    assert (
        ClientAuth(client).attempt("coord@example.org", f.PASSWORD, ip="10.5.0.1").status_code
        == 302
    )
    client.post("/auth/logout")
    for n in range(10):
        ClientAuth(client.application.test_client()).attempt(
            "coord@example.org", "wrong password", ip=f"10.6.0.{n}"
        )
    stranger = client.application.test_client()
    assert (
        ClientAuth(stranger).attempt("coord@example.org", f.PASSWORD, ip="10.6.1.1").status_code
        == 429
    )
    assert (
        ClientAuth(client).attempt("coord@example.org", f.PASSWORD, ip="10.5.0.1").status_code
        == 302
    )


def test_a_known_browser_that_keeps_guessing_is_limited_on_its_own(client, limited):
    f.user(Role.CARER, email="ruth@example.org")
    assert ClientAuth(client).attempt("ruth@example.org", f.PASSWORD).status_code == 302
    client.post("/auth/logout")
    for n in range(10):
        assert (
            ClientAuth(client)
            .attempt("ruth@example.org", "wrong password", ip=f"10.7.0.{n}")
            .status_code
            == 422
        )
    assert (
        ClientAuth(client).attempt("ruth@example.org", f.PASSWORD, ip="10.7.1.1").status_code == 429
    )
    # Its failures did not lock out the account for other browsers.
    other = client.application.test_client()
    assert (
        ClientAuth(other).attempt("ruth@example.org", f.PASSWORD, ip="10.7.2.2").status_code == 302
    )


def test_a_device_cookie_for_another_account_or_forged_does_not_exempt(client, limited):
    f.user(Role.CARER, email="ruth@example.org")
    f.user(Role.CARER, email="sam@example.org")
    assert ClientAuth(client).attempt("sam@example.org", f.PASSWORD).status_code == 302
    client.post("/auth/logout")
    forged = client.application.test_client()
    forged.set_cookie("casserole_device", "eyJkIjoieCIsImEiOltdfQ.forged")
    for n in range(10):
        ClientAuth(client.application.test_client()).attempt(
            "ruth@example.org", "wrong password", ip=f"10.8.0.{n}"
        )
    assert (
        ClientAuth(client).attempt("ruth@example.org", f.PASSWORD, ip="10.8.1.1").status_code == 429
    )
    assert (
        ClientAuth(forged).attempt("ruth@example.org", f.PASSWORD, ip="10.8.1.2").status_code == 429
    )


@pytest.fixture
def proxied_app(app, database_url):
    """A second app on the same database, behind one trusted proxy (TRUSTED_PROXIES=1)."""
    from tests.support.app import IsolatedClient, make_test_app

    built = []

    def build(**overrides):
        other = make_test_app(database_url, RATELIMIT_LOGIN_IP="2 per minute", **overrides)
        other.test_client_class = IsolatedClient
        built.append(other)
        if "RATELIMIT_STORAGE_URI" not in overrides:
            limiter.reset()
        return other

    yield build
    for other in built:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
    # The limiter is one object: give it back to the suite's app and its memory storage.
    limiter.init_app(app)
    limiter._storage_dead = False
    limiter.reset()


def _via_proxy(client, forwarded_for):
    return client.post(
        "/auth/login",
        data={"email": "x@example.org", "password": "wrong password"},
        environ_base={"REMOTE_ADDR": "10.9.9.9"},
        headers={"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": "https"},
    )


def test_behind_a_trusted_proxy_each_client_has_its_own_count(proxied_app, database):
    web = proxied_app(TRUSTED_PROXIES="1").test_client()
    assert [_via_proxy(web, "203.0.113.1").status_code for _ in range(3)] == [422, 422, 429]
    # Another user behind the same proxy is not limited by the first one's tries.
    assert _via_proxy(web, "203.0.113.2").status_code == 422
    # A client cannot pick its own address: the proxy appends the real one last.
    assert _via_proxy(web, "198.51.100.7, 203.0.113.1").status_code == 429


def test_without_trusted_proxies_forwarded_headers_are_ignored(proxied_app, database):
    web = proxied_app().test_client()
    statuses = [_via_proxy(web, f"203.0.113.{n}").status_code for n in range(3)]
    assert statuses == [422, 422, 429]


def test_a_bad_trusted_proxies_setting_stops_start_up(app, database_url):
    from casserole.errors import ConfigError
    from tests.support.app import make_test_app

    with pytest.raises(ConfigError, match="TRUSTED_PROXIES='two'"):
        make_test_app(database_url, TRUSTED_PROXIES="two")


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_redis_fails_open_with_a_warning(proxied_app, database, caplog):
    f.user(Role.CARER, email="ruth@example.org")
    other = proxied_app(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{_closed_port()}")
    web = other.test_client()
    with caplog.at_level("WARNING"):
        first = ClientAuth(web).attempt("ruth@example.org", "wrong password")
        second = ClientAuth(web).attempt("ruth@example.org", f.PASSWORD)
    assert first.status_code == 422 and second.status_code == 302
    assert "Rate limit storage unreachable" in caplog.text
    # Meanwhile the limits still count, in this process.
    fresh = other.test_client()
    statuses = [
        ClientAuth(fresh).attempt("x@example.org", "wrong password", ip="10.0.0.2").status_code
        for _ in range(3)
    ]
    assert statuses == [422, 422, 429]


def test_limits_count_in_the_real_redis(proxied_app, database):
    import uuid

    import redis

    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as err:
        pytest.fail(f"Redis at {url} is needed for this test: {err}")
    web = proxied_app(RATELIMIT_STORAGE_URI=url).test_client()
    # A fresh address per run, so counts left in the shared Redis do not matter.
    ip = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    statuses = [
        ClientAuth(web).attempt("x@example.org", "wrong password", ip=ip).status_code
        for _ in range(3)
    ]
    assert statuses == [422, 422, 429]
    keys = redis.Redis.from_url(url).keys(f"*{ip}*")
    assert any(ip.encode() in key for key in keys), "the counts should be in Redis"
