"""A coordinator sees only their own areas: every other area's page, record and export is 404."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from casserole.models import Pairing, PairingStatus, Role
from tests.support import factories as f


@pytest.fixture
def two_boroughs(database):
    """Barnet and Tower Hamlets, each with a cook, diners, a proposal and an active pairing."""
    barnet = f.area("Barnet", ("N3",))
    hamlets = f.area("Tower Hamlets", ("E1",), slug="tower-hamlets")
    records = {}
    for area, name, lat, lon, outcode in (
        (barnet, "Barney", 51.6003, -0.1930, "N3"),
        (hamlets, "Hamish", 51.5150, -0.0600, "E1"),
    ):
        cook_user = f.user(Role.COOK, first_name=f"{name}Cook", last_name="Smith")
        cook = f.cook(
            area, user=cook_user, capacity=3, latitude=lat, longitude=lon, postcode=f"{outcode} 1AA"
        )
        paired = f.diner(
            area, first_name=f"{name}Paired", latitude=lat, longitude=lon, postcode=f"{outcode} 2BB"
        )
        proposed = f.diner(area, first_name=f"{name}Proposed", latitude=lat, longitude=lon)
        waiting = f.diner(
            area, first_name=f"{name}Waiting", latitude=lat + 0.001, longitude=lon, needs_mask=4
        )
        live = f.pairing(cook, paired, PairingStatus.ACTIVE, distance_km=0.1)
        proposal = f.pairing(cook, proposed, PairingStatus.PROPOSED, distance_km=0.2)
        records[area.slug] = {
            "area": area,
            "cook": cook,
            "live": live,
            "proposal": proposal,
            "waiting": waiting,
        }
    coordinator = f.user(Role.COORDINATOR, email="barnet@example.org")
    coordinator.areas = [barnet]
    f.user(Role.ADMIN, email="admin@example.org")
    database.session.commit()
    return records


def _area_urls(slug, cook_id):
    gets = [
        f"/coordinator/{slug}/",
        f"/coordinator/{slug}/vetting",
        f"/coordinator/{slug}/vetting?show=all",
        f"/coordinator/{slug}/cooks/{cook_id}",
        f"/coordinator/{slug}/waiting",
        f"/coordinator/{slug}/proposals",
        f"/coordinator/{slug}/pairings",
        f"/coordinator/{slug}/pairings?view=at_risk",
        f"/coordinator/{slug}/pairings?view=ended",
        f"/coordinator/{slug}/figures",
        f"/coordinator/{slug}/figures?period=3m",
        f"/coordinator/{slug}/map",
        f"/coordinator/{slug}/map.json",
        f"/coordinator/{slug}/exports",
        f"/coordinator/{slug}/exports/pairings-anonymised.csv",
        f"/coordinator/{slug}/exports/area-full.csv",
    ]
    posts = [
        (
            f"/coordinator/{slug}/cooks/{cook_id}/checks",
            {"kind": "dbs", "checked_on": "2025-01-01", "expires_on": "2028-01-01"},
        ),
        (f"/coordinator/{slug}/waiting/reasons", {}),
        (f"/coordinator/{slug}/matching", {}),
        (f"/coordinator/{slug}/proposals/approve", {"approve_all": "1"}),
        (f"/coordinator/{slug}/figures", {"meal_cost": "9.99"}),
    ]
    return gets, posts


def test_a_barnet_coordinator_gets_404_for_every_tower_hamlets_page_and_export(
    client, two_boroughs, database, auth
):
    hamlets = two_boroughs["tower-hamlets"]
    auth.login("barnet@example.org")
    gets, posts = _area_urls("tower-hamlets", hamlets["cook"].id)
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url, data in posts:
        assert client.post(url, data=data).status_code == 404, url
    # Nothing was written: no check recorded, no proposal approved or made.
    assert len(hamlets["cook"].checks) == 3
    assert hamlets["proposal"].status == PairingStatus.PROPOSED
    assert (
        database.session.scalar(
            select(func.count()).select_from(Pairing).where(Pairing.area_id == hamlets["area"].id)
        )
        == 2
    )


def test_tower_hamlets_records_cannot_be_reached_through_barnet_urls(
    client, two_boroughs, database, auth
):
    hamlets = two_boroughs["tower-hamlets"]
    auth.login("barnet@example.org")
    cook_id = hamlets["cook"].id
    assert client.get(f"/coordinator/barnet/cooks/{cook_id}").status_code == 404
    response = client.post(
        f"/coordinator/barnet/cooks/{cook_id}/checks",
        data={"kind": "dbs", "checked_on": "2025-01-01", "expires_on": "2028-01-01"},
    )
    assert response.status_code == 404
    assert len(hamlets["cook"].checks) == 3

    # Ticking another borough's proposal approves nothing and says so.
    response = client.post(
        "/coordinator/barnet/proposals/approve",
        data={"pairing_id": str(hamlets["proposal"].id), "approve_selected": "1"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "no longer waiting for approval in this area" in response.get_data(as_text=True)
    assert hamlets["proposal"].status == PairingStatus.PROPOSED

    # Barnet's own pages, data and exports hold nothing of Tower Hamlets.
    for url in (
        "/coordinator/barnet/vetting?show=all",
        "/coordinator/barnet/waiting",
        "/coordinator/barnet/proposals",
        "/coordinator/barnet/pairings?view=all",
        "/coordinator/barnet/exports/area-full.csv",
        "/coordinator/barnet/exports/pairings-anonymised.csv",
        "/coordinator/barnet/map",
    ):
        body = client.get(url).get_data(as_text=True)
        # CSRF tokens are random text that can contain "E1" by chance: leave them out.
        body = re.sub(r'<input[^>]*name="csrf_token"[^>]*>', "", body)
        assert "Hamish" not in body and not re.search(r"\bE1\b", body), url
        if url.endswith(("show=all", "view=all", "full.csv")):
            assert "Barney" in body, url
    points = client.get("/coordinator/barnet/map.json").get_json()
    assert all(cook[0] > 51.55 for cook in points["cooks"])
    assert all(diner[0] > 51.55 for diner in points["diners"])
    assert len(points["diners"]) == 3 and len(points["pairings"]) == 1


@pytest.mark.parametrize("role", [Role.COOK, Role.CARER, Role.DINER])
def test_people_who_are_not_coordinators_get_403(client, two_boroughs, role, auth):
    f.user(role, email="someone@example.org")
    auth.login("someone@example.org")
    barnet = two_boroughs["barnet"]
    gets, posts = _area_urls("barnet", barnet["cook"].id)
    for url in [*gets, "/coordinator/"]:
        assert client.get(url).status_code == 403, url
    for url, data in posts:
        assert client.post(url, data=data).status_code == 403, url


def test_visitors_are_sent_to_log_in(client, two_boroughs):
    response = client.get("/coordinator/barnet/figures")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.get("/coordinator/barnet/map.json").status_code == 302


def test_an_admin_sees_every_area(client, two_boroughs, auth):
    auth.login("admin@example.org")
    index = client.get("/coordinator/").get_data(as_text=True)
    assert "Barnet" in index and "Tower Hamlets" in index
    for slug in ("barnet", "tower-hamlets"):
        gets, _ = _area_urls(slug, two_boroughs[slug]["cook"].id)
        for url in gets:
            assert client.get(url).status_code == 200, url


def test_a_coordinator_with_one_area_goes_straight_to_it(client, two_boroughs, auth):
    auth.login("barnet@example.org")
    response = client.get("/coordinator/")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/coordinator/barnet/"
    )
    assert client.get("/coordinator/nowhere/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/coordinator/barnet/vetting?page=0",
        "/coordinator/barnet/vetting?page=x",
        "/coordinator/barnet/vetting?show=everyone",
        "/coordinator/barnet/pairings?view=secret",
        "/coordinator/barnet/waiting?page=-1",
    ],
)
def test_nonsense_in_the_address_is_a_400_that_says_why(client, two_boroughs, url, auth):
    auth.login("barnet@example.org")
    response = client.get(url)
    assert response.status_code == 400


def test_another_areas_records_and_search_results_are_404_or_absent(client, two_boroughs, auth):
    hamlets = two_boroughs["tower-hamlets"]
    auth.login("barnet@example.org")
    waiting, live = hamlets["waiting"], hamlets["live"]
    for slug in ("barnet", "tower-hamlets"):
        for url in (
            f"/coordinator/{slug}/diners/{waiting.id}",
            f"/coordinator/{slug}/diners/{waiting.id}/pair",
            f"/coordinator/{slug}/diners/{live.diner_id}",
            f"/coordinator/{slug}/carers/{live.diner.carer_id}",
            f"/coordinator/{slug}/cooks/{hamlets['cook'].id}",
        ):
            assert client.get(url).status_code == 404, url
    assert client.get("/coordinator/tower-hamlets/search?q=Hamish").status_code == 404
    # Barnet's search finds Barnet's namesakes only, whatever is typed.
    for q in ("Hamish", "Smith", "E1", f"D{waiting.id}", f"K{hamlets['cook'].id}"):
        body = client.get("/coordinator/barnet/search", query_string={"q": q}).get_data(
            as_text=True
        )
        assert "Hamish" not in body.split("</h1>", 1)[1].replace(f"“{q}”", ""), q
