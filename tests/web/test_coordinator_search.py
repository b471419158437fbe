"""The console's search: by name (accents and case ignored), e-mail, phone, postcode, record number."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casserole.models import Area, Role, User
from casserole.models.search_keys import fold, phone_digits
from tests.support import factories as f


@pytest.fixture
def town(database):
    """Barnet and Tower Hamlets with namesakes in each, so scope is tested by the same words."""
    barnet = f.area("Barnet", ("N3", "N12"), slug="barnet")
    hamlets = f.area("Tower Hamlets", ("E1",), slug="tower-hamlets")
    carer = f.user(Role.CARER, first_name="Carol", last_name="Brontë", email="carol@example.org")
    zoe = f.diner(barnet, carer=carer, first_name="Zoë", last_name="O'Brien", phone="020 8123 4567")
    n12 = f.diner(barnet, first_name="Nigel", last_name="Twelve", postcode="N12 0AA")
    cook = f.cook(
        barnet,
        user=f.user(Role.COOK, first_name="José", last_name="Núñez", phone="+44 7700 900111"),
    )
    far = f.diner(
        hamlets, first_name="Zoe", last_name="O'Brien", phone="020 8123 4567", postcode="E1 6AN"
    )
    f.cook(hamlets, user=f.user(Role.COOK, first_name="Jose", last_name="Nunez"), postcode="E1 6AN")
    coordinator = f.user(Role.COORDINATOR, email="barnet@example.org")
    coordinator.areas = [barnet]
    database.session.commit()
    return {"zoe": zoe, "n12": n12, "cook": cook, "carer": carer, "far": far}


def _search(client, q, slug="barnet"):
    response = client.get(f"/coordinator/{slug}/search", query_string={"q": q})
    return response.status_code, response.get_data(as_text=True)


def test_keys_fold_accents_case_and_phone_spacing():
    assert fold("  Zoë   O'BRIEN ") == "zoe o'brien"
    assert phone_digits("+44 7700 900111") == "07700900111"
    assert phone_digits("020 8123-4567") == "02081234567"


@pytest.mark.parametrize(
    ("query", "who"),
    [
        ("zoe", "zoe"),
        ("BRIEN", "zoe"),
        ("Zoë O'Brien", "zoe"),
        ("81234567", "zoe"),
        ("020 8123 4567", "zoe"),
        ("N12", "n12"),
        ("n12 0aa", "n12"),
        ("jose nunez", "cook"),
        ("07700 900 111", "cook"),
        ("carol@example", "carer"),
        ("bronte", "carer"),
    ],
)
def test_search_finds_each_kind_of_key_and_links_to_the_record(client, town, auth, query, who):
    auth.login("barnet@example.org")
    status, body = _search(client, query)
    assert status == 200
    person = town[who]
    kind = {"zoe": "diners", "n12": "diners", "cook": "cooks", "carer": "carers"}[who]
    assert f"/coordinator/barnet/{kind}/{person.id}" in body


def test_record_numbers_find_the_right_kind(client, town, auth):
    auth.login("barnet@example.org")
    _, body = _search(client, f"D{town['zoe'].id}")
    assert f"/coordinator/barnet/diners/{town['zoe'].id}" in body
    _, body = _search(client, f"k{town['cook'].id}")
    assert f"/coordinator/barnet/cooks/{town['cook'].id}" in body
    assert "/coordinator/barnet/diners/" not in body


def test_search_never_shows_another_areas_people(client, town, auth):
    auth.login("barnet@example.org")
    far = town["far"]
    for q in ("zoe", "020 8123 4567", "E1", "jose", f"D{far.id}"):
        _, body = _search(client, q)
        assert f'/diners/{far.id}"' not in body, q
        assert "tower-hamlets" not in body, q
    # And the other area's search itself is a 404.
    assert _search(client, "zoe", slug="tower-hamlets")[0] == 404


def test_search_covers_every_area_the_coordinator_has(client, town, auth, database):
    """A coordinator of both areas finds both namesakes, each linked under its own area."""
    both = database.session.scalar(select(User).where(User.email == "barnet@example.org"))
    both.areas = list(database.session.scalars(select(Area)))
    database.session.commit()
    auth.login("barnet@example.org")
    status, body = _search(client, "zoe")
    assert status == 200
    assert f'/coordinator/barnet/diners/{town["zoe"].id}"' in body
    assert f'/coordinator/tower-hamlets/diners/{town["far"].id}"' in body
    # With hits from two areas, each hit says which area it is in.
    assert "Tower Hamlets" in body.split("Diners")[1]


def test_a_too_short_search_says_why_next_to_the_box(client, town, auth):
    auth.login("barnet@example.org")
    status, body = _search(client, "z")
    assert status == 400
    assert 'id="console-q-error"' in body and "at least 2 characters" in body


def test_renaming_a_person_updates_their_search_key(client, town, database, auth):
    town["zoe"].first_name = "Zelda"
    database.session.commit()
    auth.login("barnet@example.org")
    assert f"/diners/{town['zoe'].id}" in _search(client, "zelda")[1]
    assert f"/diners/{town['zoe'].id}" not in _search(client, "zoe o")[1]


def test_every_console_page_has_the_search_box(client, town, auth):
    auth.login("barnet@example.org")
    for url in (
        "/coordinator/barnet/",
        "/coordinator/barnet/waiting",
        "/coordinator/barnet/vetting",
    ):
        assert 'role="search"' in client.get(url).get_data(as_text=True), url


def test_bulk_inserts_fill_the_search_keys_too(database):
    """The city demo inserts plain rows, not ORM objects: the column defaults fill the keys."""
    from sqlalchemy import insert, select

    from casserole.models import User

    rows = [
        {
            "email": "bulk@example.org",
            "password_hash": "x",
            "role": Role.CARER,
            "first_name": "Émile",
            "last_name": "Zola",
            "phone": "+44 7700 900999",
        },
    ]
    database.session.execute(insert(User.__table__), rows)
    keys = database.session.execute(
        select(User.search_name, User.phone_digits).where(User.email == "bulk@example.org")
    ).one()
    assert tuple(keys) == ("emile zola", "07700900999")
