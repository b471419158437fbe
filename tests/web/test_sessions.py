"""Sessions end for real: logout, e-mail and password changes kill every copy of the cookies."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from casserole.models import Role
from tests.support import factories as f
from tests.support.auth import ClientAuth
from tests.support.smtp import NEW_PASSWORD, link_in

DOWNLOAD = "/my-data/download"


@pytest.fixture
def edna(database):
    return f.user(Role.DINER, email="edna@example.org", first_name="Edna")


def _copy(client, names=("session", "remember_token")):
    """The cookies someone could copy out of this browser."""
    return {n: c.value for n in names if (c := client.get_cookie(n)) is not None}


def _browser_with(client, cookies):
    other = client.application.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def _opens_download(browser) -> bool:
    response = browser.get(DOWNLOAD)
    response.close()
    return response.status_code == 200


def test_copied_cookies_open_the_download_until_logout(client, edna):
    ClientAuth(client).login("edna@example.org", remember="y")
    stolen = _copy(client)
    assert set(stolen) == {"session", "remember_token"}
    assert _opens_download(_browser_with(client, stolen))  # the copy works while logged in
    client.post("/auth/logout")
    assert not _opens_download(_browser_with(client, stolen))
    assert not _opens_download(_browser_with(client, {"remember_token": stolen["remember_token"]}))
    assert not _opens_download(_browser_with(client, {"session": stolen["session"]}))


def test_logout_ends_the_sessions_on_other_devices(client, edna):
    phone = client.application.test_client()
    ClientAuth(phone).login("edna@example.org")
    ClientAuth(client).login("edna@example.org")
    client.post("/auth/logout")
    assert not _opens_download(phone)
    assert ClientAuth(phone).login("edna@example.org").status_code == 302  # logging in again works


def test_email_change_ends_other_sessions_and_keeps_the_confirming_one(client, edna, smtp_server):
    other = client.application.test_client()
    ClientAuth(other).login("edna@example.org", remember="y")
    stolen = _copy(other)
    ClientAuth(client).login("edna@example.org")
    client.post("/auth/email", data={"email": "edna.new@example.org", "password": f.PASSWORD})
    assert _opens_download(other)  # nothing ends until the new address confirms
    assert client.post(link_in(smtp_server.messages[0])).status_code == 302
    assert not _opens_download(other)
    assert not _opens_download(_browser_with(client, stolen))
    assert _opens_download(client)


def test_password_reset_ends_remember_me_cookies(client, edna, smtp_server):
    other = client.application.test_client()
    ClientAuth(other).login("edna@example.org", remember="y")
    stolen = _copy(other, ("remember_token",))
    client.post("/auth/reset", data={"email": "edna@example.org"})
    path = link_in(smtp_server.messages[0])
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert not _opens_download(_browser_with(client, stolen))


def test_a_reset_link_sent_before_an_email_change_stops_working(client, edna, smtp_server):
    client.post("/auth/reset", data={"email": "edna@example.org"})
    reset_path = link_in(smtp_server.messages[0])
    assert client.get(reset_path).status_code == 200
    ClientAuth(client).login("edna@example.org")
    client.post("/auth/email", data={"email": "edna.new@example.org", "password": f.PASSWORD})
    client.post(link_in(smtp_server.messages[1]))
    page = client.get(reset_path)
    assert page.status_code == 400 and "already been used" in page.get_data(as_text=True)


def test_remember_me_lasts_thirty_days(client, edna):
    page = ClientAuth(client).login("edna@example.org", remember="y")
    [cookie] = [c for c in page.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookie).group(1))
    lifetime = expires - datetime.now(UTC)
    assert timedelta(days=29) < lifetime <= timedelta(days=30)
