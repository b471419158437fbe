"""A cook's optional year of birth: checked on the server, and counted in age ranges."""

from __future__ import annotations

import re
from datetime import date

import pytest

from casserole import clock
from casserole.models import Role
from casserole.services.cook_ages import cook_age_bands
from tests.support import factories as f
from tests.support.form_data import cook_data


@pytest.fixture
def cook(database):
    area = f.area("Barnet", outcodes=("N3", "N12"))
    return f.cook(area, vetted=False)


def test_cook_gives_their_year_of_birth_and_can_take_it_back(client, cook, auth):
    auth.login(cook.user)
    assert "Year you were born (optional)" in client.get("/profile/cook").get_data(as_text=True)
    year = clock.today().year - 40
    assert client.post("/profile/cook", data=cook_data(birth_year=str(year))).status_code == 302
    assert cook.birth_year == year
    assert f'value="{year}"' in client.get("/profile/cook").get_data(as_text=True)
    assert client.post("/profile/cook", data=cook_data(birth_year="")).status_code == 302
    assert cook.birth_year is None


@pytest.mark.parametrize(
    ("offset", "raw"),
    [(17, None), (101, None), (None, "nineteen sixty"), (None, "1968.5"), (None, "-1968")],
)
def test_an_implausible_year_is_refused_next_to_the_field(client, cook, auth, offset, raw):
    auth.login(cook.user)
    this_year = clock.today().year
    typed = raw if raw is not None else str(this_year - offset)
    page = client.post(
        "/profile/cook", data=cook_data(birth_year=typed, introduction="Changed intro")
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert 'id="birth_year-error"' in html
    if raw is None:
        assert f"Enter a year between {this_year - 100} and {this_year - 18}" in html
    elif raw == "-1968":
        assert "Enter a year between" in html
    else:
        assert "Enter the year as four digits, like 1968." in html
    assert cook.birth_year is None and cook.introduction != "Changed intro"


def test_the_youngest_and_oldest_plausible_years_are_accepted(client, cook, auth):
    auth.login(cook.user)
    this_year = clock.today().year
    for year in (this_year - 18, this_year - 100):
        assert client.post("/profile/cook", data=cook_data(birth_year=str(year))).status_code == 302
        assert cook.birth_year == year


def test_age_bands_count_the_areas_cooks_only(database):
    today = date(2026, 6, 1)
    area = f.area("Barnet", outcodes=("N3",))
    other = f.area("Camden", outcodes=("NW1",))
    # Ages reached in 2026: 18, 29, 30, 44, 60, 74, 75, 90, and one who did not say.
    for born in (2008, 1997, 1996, 1982, 1966, 1952, 1951, 1936, None):
        f.cook(area, birth_year=born)
    f.cook(other, birth_year=1990)
    bands = {b.label: b.cooks for b in cook_age_bands(area, today)}
    assert bands == {
        "18 to 29": 2,
        "30 to 44": 2,
        "45 to 59": 0,
        "60 to 74": 2,
        "75 and over": 2,
        "Not given": 1,
    }
    assert list(bands)[-1] == "Not given"


def test_the_figures_page_shows_cooks_by_age(client, database, auth):
    area = f.area("Barnet", outcodes=("N3", "N12"))
    year = clock.today().year
    for born in (year - 25, year - 50, year - 51, None):
        f.cook(area, birth_year=born)
    coordinator = f.user(Role.COORDINATOR, email="co@example.org")
    coordinator.areas = [area]
    database.session.commit()
    auth.login("co@example.org")
    html = client.get(f"/coordinator/{area.slug}/figures").get_data(as_text=True)
    assert "Cooks by age" in html
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td>([\d,]+)</td>', html))
    assert rows["18 to 29"] == "1" and rows["45 to 59"] == "2" and rows["Not given"] == "1"
    assert rows["75 and over"] == "0"
