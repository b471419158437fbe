"""The full export's people files: each list its own CSV, in the area only, formula-safe, audited."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from casserole.models import AuditEvent, PairingStatus, Role
from tests.support import factories as f


def _rows(client, slug: str, people: str) -> list[dict[str, str]]:
    response = client.get(f"/coordinator/{slug}/exports/people/{people}.csv")
    assert response.status_code == 200, response.status_code
    assert response.headers["Cache-Control"] == "no-store"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_each_people_list_is_its_own_file(client, database, auth):
    area = f.area("Barnet", ("N3",), slug="barnet")
    other = f.area("Tower Hamlets", ("E14",), slug="tower-hamlets")
    carer = f.user(Role.CARER, first_name="Ruth", phone="020 7946 0001")
    waiting = f.diner(area, carer=carer, first_name="=HYPERLINK(1)", last_name="Jones")
    paired = f.diner(area, carer=carer, first_name="Olive")
    busy = f.cook(area)
    idle = f.cook(area)
    f.pairing(busy, paired, PairingStatus.ACTIVE)
    f.diner(other, first_name="Faraway")
    f.cook(other)
    coordinator = f.user(Role.COORDINATOR, email="co@example.org")
    coordinator.areas = [area]
    database.session.commit()
    auth.login("co@example.org")

    diners = _rows(client, "barnet", "diners-waiting")
    assert [int(r["diner_id"]) for r in diners] == [waiting.id]
    assert diners[0]["first_name"] == "'=HYPERLINK(1)"  # a formula is quoted, never run
    assert diners[0]["carer_phone"] == "020 7946 0001"
    cooks = _rows(client, "barnet", "cooks-not-paired")
    assert [int(r["cook_id"]) for r in cooks] == [idle.id]
    carers = _rows(client, "barnet", "carers")
    assert [(int(r["carer_id"]), r["diners_in_area"]) for r in carers] == [(carer.id, "2")]
    vetting = _rows(client, "barnet", "vetting")
    assert {int(r["cook_id"]) for r in vetting} == {busy.id, idle.id}
    assert len(vetting) == 6  # three checks each (the factory vets both cooks)

    files = database.session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action == "export.people")
    ).all()
    assert sorted(d["file"] for d in files) == [
        "carers", "cooks_not_paired", "diners_waiting", "vetting",
    ]  # fmt: skip
    assert client.get("/coordinator/barnet/exports/people/everyone.csv").status_code == 404
    page = client.get("/coordinator/barnet/exports").get_data(as_text=True)
    assert "Diners waiting for a cook (CSV)" in page and "Every vetting check (CSV)" in page
