"""Opening a district tells the people on its waiting list, then forgets them."""

from __future__ import annotations

from sqlalchemy import func, select

from casserole.models import AuditEvent, Role, WaitingListEntry
from tests.support import factories as f


def test_opening_a_district_mails_the_waiting_list(app, database, smtp_server):
    f.area("Barnet", ("N3",), slug="barnet")
    for email, outcode in (
        ("ann@example.org", "N1"),
        ("bob@example.org", "N1"),
        ("cy@example.org", "E8"),
    ):
        database.session.add(
            WaitingListEntry(
                email=email,
                name=email[:3],
                role=Role.COOK,
                postcode=f"{outcode} 1AA",
                outcode=outcode,
            )
        )
    database.session.commit()
    result = app.test_cli_runner().invoke(args=["open-district", "barnet", "n1"])
    assert result.exit_code == 0, result.output
    assert "N1 is now part of Barnet; told 2 waiting people." in result.output
    assert sorted(m["To"] for m in smtp_server.messages) == ["ann@example.org", "bob@example.org"]
    # An absolute link (the same helper as every other e-mail), not a bare "/join/".
    base = app.config["PUBLIC_BASE_URL"].rstrip("/")
    assert f"{base}/join/" in smtp_server.messages[0].get_body(("plain",)).get_content()
    assert database.session.scalar(select(func.count()).select_from(WaitingListEntry)) == 1
    assert database.session.scalar(select(AuditEvent.action)) == "district_opened"


def test_districts_cannot_be_opened_twice_or_made_up(app, database):
    f.area("Barnet", ("N3",), slug="barnet")
    runner = app.test_cli_runner()
    assert (
        "already belongs to Barnet" in runner.invoke(args=["open-district", "barnet", "N3"]).output
    )
    assert (
        "not a UK postcode district"
        in runner.invoke(args=["open-district", "barnet", "ZZ9"]).output
    )
    assert "no area called" in runner.invoke(args=["open-district", "nowhere", "N1"]).output
