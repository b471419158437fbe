"""Home page, login and logout, and each role's dashboard showing only what is theirs."""

from __future__ import annotations

import pytest

from casserole.models import PairingStatus, Role
from tests.support import factories as f


def test_home_page_welcomes_visitors(client):
    f.area("Barnet")
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Home-cooked meals" in html and "Barnet" in html and 'href="/auth/login"' in html


def test_login_and_logout(client, auth):
    user = f.user(Role.CARER, email="sam@example.org", first_name="Sam")
    page = auth.login("SAM@example.org ", follow=True)
    assert page.status_code == 200
    assert "Welcome back, Sam." in page.get_data(as_text=True)
    assert user.last_login_at is not None
    out = client.post("/auth/logout", follow_redirects=True)
    assert "You have logged out." in out.get_data(as_text=True)
    assert "Log in" in client.get("/").get_data(as_text=True)


def test_logout_needs_post(client, auth):
    f.user(Role.CARER, email="sam@example.org")
    auth.login("sam@example.org")
    assert client.get("/auth/logout").status_code == 405


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("sam@example.org", "wrong password", "That e-mail and password do not match."),
        ("nobody@example.org", f.PASSWORD, "That e-mail and password do not match."),
        ("not-an-email", f.PASSWORD, "Enter an e-mail address like name@example.com."),
        ("", "", "Enter the e-mail address you signed up with."),
    ],
)
def test_bad_logins_say_why_next_to_the_field(client, email, password, message, auth):
    f.user(Role.CARER, email="sam@example.org")
    page = auth.attempt(email, password)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert message in html
    assert "There is a problem" in html


def test_deactivated_accounts_cannot_log_in(client, auth):
    f.user(Role.COOK, email="gone@example.org", is_active_account=False)
    assert auth.attempt("gone@example.org").status_code == 422


def test_next_only_follows_local_paths(client):
    f.user(Role.CARER, email="sam@example.org")
    page = client.post(
        "/auth/login?next=https://evil.example/",
        data={"email": "sam@example.org", "password": f.PASSWORD},
    )
    assert page.headers["Location"] == "/"


def test_bumping_session_version_ends_old_sessions(client, database, auth):
    user = f.user(Role.CARER, email="sam@example.org", first_name="Sam")
    auth.login("sam@example.org")
    assert "Hello, Sam" in client.get("/").get_data(as_text=True)
    user.session_version += 1
    database.session.commit()
    assert "Hello, Sam" not in client.get("/").get_data(as_text=True)


def test_carer_sees_only_their_own_diners(client, auth):
    area = f.area()
    carer = f.user(Role.CARER, email="carer@example.org")
    mine = f.diner(area, carer=carer, first_name="Edna")
    f.diner(area, first_name="Stranger")
    cook = f.cook(area, user=f.user(Role.COOK, first_name="Priya"))
    f.pairing(cook, mine, PairingStatus.ACTIVE)
    auth.login("carer@example.org")
    html = client.get("/").get_data(as_text=True)
    assert "Edna" in html and "Edna's cook is Priya" in html
    assert "Stranger" not in html


def test_cook_dashboard_shows_first_names_and_no_addresses(client, auth):
    area = f.area()
    cook = f.cook(area, user=f.user(Role.COOK, email="cook@example.org"), days_mask=0b101)
    diner = f.diner(
        area,
        first_name="Edna",
        last_name="Secretsurname",
        address_line="7 Hidden Road",
        access_notes="Key under the mat",
    )
    # Approved: the cook is asked (a proposal not yet approved is never shown to them).
    f.pairing(cook, diner, PairingStatus.APPROVED)
    auth.login("cook@example.org")
    html = client.get("/").get_data(as_text=True)
    assert "Edna" in html and "Monday and Wednesday" in html
    for secret in ("Secretsurname", "7 Hidden Road", "Key under the mat", "N3 1AB"):
        assert secret not in html


def test_coordinator_sees_only_their_areas(client, auth):
    barnet, hamlets = f.area("Barnet", ("N3",)), f.area("Tower Hamlets", ("E14",))
    coordinator = f.user(Role.COORDINATOR, email="coord@example.org")
    coordinator.areas = [barnet]
    f.diner(barnet)
    f.diner(hamlets)
    auth.login("coord@example.org")
    html = client.get("/").get_data(as_text=True)
    assert "Barnet" in html.split("Your areas")[1]
    assert "Tower Hamlets" not in html.split("Your areas")[1]


def test_admin_sees_all_areas(client, auth):
    f.area("Barnet", ("N3",))
    f.area("Tower Hamlets", ("E14",))
    f.user(Role.ADMIN, email="admin@example.org")
    auth.login("admin@example.org")
    html = client.get("/").get_data(as_text=True)
    assert "Barnet" in html and "Tower Hamlets" in html


def test_unknown_pages_get_a_friendly_404(client):
    page = client.get("/no/such/page")
    assert page.status_code == 404
    assert "We could not find that page" in page.get_data(as_text=True)


def test_data_sources_page_carries_the_os_attribution(client):
    html = client.get("/about/data").get_data(as_text=True)
    assert "Contains OS data © Crown copyright and database right" in html


def test_a_lost_database_gives_a_503_page_not_a_crash(client, app, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from casserole.services import dashboard

    def broken():
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    monkeypatch.setattr(dashboard, "live_areas", broken)
    page = client.get("/")
    assert page.status_code == 503
    assert "We are having trouble right now" in page.get_data(as_text=True)


def test_a_value_the_database_cannot_hold_is_a_400_not_a_500(client, monkeypatch):
    from sqlalchemy.exc import DataError

    from casserole.services import dashboard

    def overflow():
        raise DataError("SELECT 1", {}, Exception("integer out of range"))

    monkeypatch.setattr(dashboard, "live_areas", overflow)
    page = client.get("/")
    assert page.status_code == 400
    assert "One of the values sent is out of range." in page.get_data(as_text=True)
