"""The map's points carry who each one is and where their record is; lines carry distance."""

from __future__ import annotations

from casserole.models import PairingStatus, Role
from tests.support import factories as f


def test_points_name_the_person_and_link_their_record(client, auth, database):
    area = f.area("Barnet", ("N3",))
    coordinator = f.user(Role.COORDINATOR, email="coord@example.org")
    coordinator.areas = [area]
    cook = f.cook(area, user=f.user(Role.COOK, first_name="Maya", last_name="Patel"))
    harold = f.diner(area, first_name="Harold", last_name="Jones")
    waiting = f.diner(area, first_name="Ivy", last_name="Price")
    pairing = f.pairing(cook, harold, PairingStatus.ACTIVE, distance_km=1.6)
    database.session.commit()
    auth.login("coord@example.org")
    data = client.get("/coordinator/barnet/map.json").get_json()
    assert [c[2:] for c in data["cooks"]] == [[cook.id, "Maya Patel"]]
    assert sorted(d[2:] for d in data["diners"]) == sorted(
        [[1, harold.id, "Harold Jones"], [0, waiting.id, "Ivy Price"]]
    )
    assert [p[4:] for p in data["pairings"]] == [[pairing.id, 1.6]]
    assert data["links"] == {
        "cook": "/coordinator/barnet/cooks/",
        "diner": "/coordinator/barnet/diners/",
        "pairing": "/pairings/",
    }
    # The link each popup builds is a real page for the coordinator.
    assert client.get(data["links"]["diner"] + str(harold.id)).status_code == 200
    assert client.get(data["links"]["cook"] + str(cook.id)).status_code == 200
