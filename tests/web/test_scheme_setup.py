"""Setting up a scheme: the first admin, areas, inviting coordinators, areas and deactivation."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from casserole.models import Area, AreaDistrict, Role, User, WaitingListEntry
from casserole.services import accounts
from tests.support import factories as f

NEW_PASSWORD = "a kettle of fish soup"


def _link_path(text: str) -> str:
    return re.search(r"https?://[^/\s]+(/auth/reset/\S+)", text).group(1)


def test_create_admin_prints_a_one_time_link_and_refuses_a_taken_address(app, client, database):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "Boss@Example.org"])
    assert result.exit_code == 0, result.output
    admin = database.session.scalar(select(User).where(User.email == "boss@example.org"))
    assert admin.role == Role.ADMIN
    # Nobody knows a password until the link sets one, and the link works once.
    assert accounts.authenticate("boss@example.org", "") is None
    path = _link_path(result.output)
    assert (
        client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code
        == 302
    )
    assert accounts.authenticate("boss@example.org", NEW_PASSWORD) is not None
    assert client.get(path).status_code == 400
    again = runner.invoke(args=["create-admin", "boss@example.org"])
    assert again.exit_code != 0 and "already exists" in again.output
    assert database.session.scalar(select(func.count()).select_from(User)) == 1


def test_invite_links_expire(app, client, database, monkeypatch):
    result = app.test_cli_runner().invoke(args=["create-admin", "late@example.org"])
    monkeypatch.setattr(accounts, "INVITE_MAX_AGE_SECONDS", -1)
    page = client.get(_link_path(result.output))
    assert page.status_code == 400 and "expired" in page.get_data(as_text=True)


def test_an_admin_sets_up_an_area_and_its_new_districts_mail_the_waiting_list(
    client, database, auth, smtp_server
):
    f.area("Barnet", ("N3",), slug="barnet")
    f.user(Role.ADMIN, email="admin@example.org")
    database.session.add(
        WaitingListEntry(
            email="ann@example.org", name="Ann", role=Role.COOK, postcode="E8 1AA", outcode="E8"
        )
    )
    database.session.commit()
    auth.login("admin@example.org")
    form = {
        "name": "Hackney",
        "districts": "e8, E9",
        "meal_cost": "5.20",
        "contact_email": "team@hackney.example",
        "contact_phone": "020 8356 0000",
    }
    # A district of another area saves nothing, and says so next to the field.
    bad = client.post("/admin/areas/new", data={**form, "districts": "E8 N3"})
    assert bad.status_code == 422 and "N3 already belongs to Barnet" in bad.get_data(as_text=True)
    assert database.session.scalar(select(Area).where(Area.name == "Hackney")) is None
    assert client.post("/admin/areas/new", data=form).status_code == 302
    hackney = database.session.scalar(select(Area).where(Area.name == "Hackney"))
    assert hackney.slug == "hackney" and hackney.meal_cost_pence == 520
    assert sorted(d.outcode for d in hackney.districts) == ["E8", "E9"]
    assert [m["To"] for m in smtp_server.messages] == ["ann@example.org"]
    # Editing keeps the slug and adds districts.
    edit = {**form, "name": "Hackney", "districts": "E5", "meal_cost": "4.00"}
    assert client.post(f"/admin/areas/{hackney.id}", data=edit).status_code == 302
    assert database.session.get(AreaDistrict, "E5").area_id == hackney.id
    assert hackney.meal_cost_pence == 400
    for bad_form in ({**form, "name": "", "meal_cost": "lots"}, {**form, "districts": "ZZ99"}):
        page = client.post("/admin/areas/new", data=bad_form)
        assert page.status_code == 422 and "field-error" in page.get_data(as_text=True)


def test_an_admin_invites_a_coordinator_who_sees_only_their_areas(
    client, database, auth, smtp_server, app
):
    barnet = f.area("Barnet", ("N3",), slug="barnet")
    f.area("Tower Hamlets", ("E1",), slug="tower-hamlets")
    f.user(Role.ADMIN, email="admin@example.org")
    database.session.commit()
    auth.login("admin@example.org")
    data = {
        "email": "new@council.example",
        "first_name": "Nia",
        "last_name": "Jones",
        "areas": [str(barnet.id)],
    }
    assert client.post("/admin/coordinators", data=data).status_code == 302
    taken = client.post("/admin/coordinators", data=data)
    assert taken.status_code == 422 and "already exists" in taken.get_data(as_text=True)
    [message] = smtp_server.messages
    path = _link_path(message.get_body(("plain",)).get_content())
    nia = database.session.scalar(select(User).where(User.email == "new@council.example"))
    assert nia.role == Role.COORDINATOR and [a.slug for a in nia.areas] == ["barnet"]

    other = app.test_client()
    assert (
        other.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code
        == 302
    )
    assert other.get("/coordinator/barnet/").status_code == 200
    assert other.get("/coordinator/tower-hamlets/").status_code == 404
    assert other.get(path).status_code == 400  # single use

    # Taking Barnet away and giving Tower Hamlets.
    hamlets = database.session.scalar(select(Area).where(Area.slug == "tower-hamlets"))
    client.post(f"/admin/coordinators/{nia.id}/areas", data={"areas": [str(hamlets.id)]})
    assert other.get("/coordinator/barnet/").status_code == 404
    assert other.get("/coordinator/tower-hamlets/").status_code == 200


def test_accounts_can_be_deactivated_but_not_the_last_admin(client, database, auth, app):
    admin = f.user(Role.ADMIN, email="admin@example.org")
    cook = f.user(Role.COOK, email="cook@example.org")
    database.session.commit()
    auth.login("admin@example.org")
    assert client.post(f"/admin/accounts/{cook.id}/active", data={"active": "0"}).status_code == 302
    assert cook.is_active_account is False
    assert accounts.authenticate("cook@example.org", f.PASSWORD) is None
    refused = client.post(f"/admin/accounts/{admin.id}/active", data={"active": "0"})
    assert refused.status_code == 409 and "last admin" in refused.get_data(as_text=True)
    assert admin.is_active_account is True
    second = f.user(Role.ADMIN, email="second@example.org")
    database.session.commit()
    assert (
        client.post(f"/admin/accounts/{second.id}/active", data={"active": "0"}).status_code == 302
    )
    assert client.post(f"/admin/accounts/{cook.id}/active", data={"active": "1"}).status_code == 302
    assert cook.is_active_account is True
    assert "cook@example.org" in client.get("/admin/accounts?q=cook").get_data(as_text=True)
