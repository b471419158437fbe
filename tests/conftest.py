"""Shared fixtures: one app per session on SQLite (default) or PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from tests.support import notify_server as notify_support
from tests.support.app import IsolatedClient, empty_tables, make_test_app, reset_schema
from tests.support.auth import ClientAuth, PageAuth
from tests.support.requirements import CHROMIUM, REQUIRE_ALL, REQUIRE_POSTGRES, TEST_DATABASE_URL
from tests.support.smtp import Inbox, serve


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say which database and browser this run uses."""
    db = TEST_DATABASE_URL or "SQLite (temporary file)"
    return [
        f"casserole: database={db} chromium={CHROMIUM or 'not found'} require_all={REQUIRE_ALL}"
    ]


def _check_postgres(url: str) -> None:
    """Fail the whole session at once, with the reason, when the given PostgreSQL is unreachable."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.drivername in {"postgres", "postgresql"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    engine = create_engine(parsed, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as err:  # noqa: BLE001 - any failure here means "cannot test on it"
        pytest.exit(f"TEST_DATABASE_URL={url} is unreachable: {err}", returncode=3)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL the suite runs on."""
    if TEST_DATABASE_URL:
        _check_postgres(TEST_DATABASE_URL)
        return TEST_DATABASE_URL
    if REQUIRE_POSTGRES:
        pytest.exit("CASSEROLE_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set", returncode=3)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The application, its schema migrated to head once per session."""
    from casserole.extensions import db

    os.environ["CASSEROLE_INSTANCE_PATH"] = str(tmp_path_factory.mktemp("instance"))
    application = make_test_app(database_url, MAIL_OUTBOX_DIR=str(tmp_path_factory.mktemp("mail")))
    reset_schema(application)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def database(app: Flask) -> Iterator[object]:
    """An app context over empty tables; everything written is removed afterwards."""
    from casserole.extensions import db

    empty_tables(app)
    with app.app_context():
        yield db
        db.session.rollback()
        db.session.remove()
    empty_tables(app)


@pytest.fixture
def client(app: Flask, database: object) -> FlaskClient:
    """A test client over empty tables."""
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def project_root() -> Path:
    """The checkout's top folder."""
    return Path(__file__).resolve().parent.parent


@pytest.fixture
def smtp_server(app: Flask) -> Iterator[Inbox]:
    """A real SMTP server on a loopback port bound once; the app sends to it for this test."""
    with serve() as (inbox, port):
        saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS")}
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
        try:
            yield inbox
        finally:
            app.config.update(saved)


@pytest.fixture
def notify_server(app: Flask) -> Iterator[notify_support.NotifyServer]:
    """A local GOV.UK Notify API; the app sends e-mail, texts and letters to it for this test."""
    with notify_support.serve() as server:
        settings = notify_support.config_for(server.base_url)
        saved = {k: app.config.get(k) for k in settings}
        app.config.update(settings)
        try:
            yield server
        finally:
            app.config.update(saved)


@pytest.fixture
def auth(request: pytest.FixtureRequest) -> ClientAuth | PageAuth:
    """Log people in and out: through the browser page in browser tests, else the test client.

    `auth.login(user_or_email)` uses the factories' password unless given another, and fails
    the test at once when the login is refused; see tests/support/auth.py.
    """
    if "page" in request.fixturenames:
        return PageAuth(request.getfixturevalue("page"))
    return ClientAuth(request.getfixturevalue("client"))
