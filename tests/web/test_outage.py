"""A database outage: everyone gets the 503 page (drawn without the database) and it heals."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from casserole.extensions import db
from casserole.models import Role
from tests.support import factories as f
from tests.support.auth import ClientAuth


@pytest.fixture
def outage(app, database):
    """Switch the database off (every new connection refused) and on again."""
    engine = db.engine
    dbapi_error = engine.dialect.loaded_dbapi.OperationalError

    def refuse(*_args, **_kwargs):
        raise dbapi_error("connection refused: the database server is down")

    class Switch:
        def off(self) -> None:
            event.listen(engine, "do_connect", refuse)
            engine.dispose()

        def on(self) -> None:
            if event.contains(engine, "do_connect", refuse):
                event.remove(engine, "do_connect", refuse)

    switch = Switch()
    yield switch
    switch.on()


@pytest.mark.parametrize("path", ["/", "/my-data/", "/pairings/", "/my-data/download"])
def test_logged_in_people_get_the_outage_page_and_it_heals(client, outage, path):
    f.user(Role.CARER, email="sam@example.org", first_name="Sam")
    ClientAuth(client).login("sam@example.org")
    assert "Hello, Sam" in client.get("/").get_data(as_text=True)
    outage.off()
    page = client.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 503, html[:300]
    assert "We are having trouble right now" in html
    assert "Nothing you typed has been half-saved" in html
    outage.on()
    # No restart needed, and the person is still logged in.
    assert "Hello, Sam" in client.get("/").get_data(as_text=True)


def test_visitors_get_the_outage_page_too(client, outage):
    outage.off()
    page = client.post("/auth/login", data={"email": "a@example.org", "password": "x" * 12})
    assert page.status_code == 503
    assert "We are having trouble right now" in page.get_data(as_text=True)
