"""Cook and diner profiles: every field checked on the server, breaks, checks, per-diner pages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from casserole import clock
from casserole.models import CheckKind, Role, VettingCheck
from tests.support import factories as f
from tests.support.form_data import cook_data


@pytest.fixture
def cook(database):
    area = f.area("Barnet", outcodes=("N3", "N12"))
    return f.cook(area, vetted=False)


def test_cook_saves_their_cooking_in_miles_stored_as_km(client, cook, auth):
    auth.login(cook.user)
    form = client.get("/profile/cook").get_data(as_text=True)
    assert 'value="1.9"' in form  # the default 3 km shown in miles
    page = client.post("/profile/cook", data=cook_data())
    assert page.status_code == 302 and page.headers["Location"] == "/profile/cook/checks"
    assert cook.days == {1, 4} and cook.can_cook == {"vegetarian", "halal"}
    assert cook.capacity == 2 and cook.availability_note == "After 5pm"
    assert cook.max_km == pytest.approx(1.5 * 1.609344, abs=0.001)
    assert cook.introduction.endswith("🍲 and always cook too much.")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("capacity", "0", "Choose between 1 and 12 neighbours."),
        ("capacity", "50", "Choose between 1 and 12 neighbours."),
        ("capacity", "two", "Enter a whole number, like 2."),
        ("capacity", "", "Enter how many neighbours you can cook for, from 1 to 12."),
        ("max_miles", "-1", "Enter a distance more than 0 and up to 30 miles."),
        ("max_miles", "0", "Enter a distance more than 0 and up to 30 miles."),
        ("max_miles", "31", "Enter a distance more than 0 and up to 30 miles."),
        ("max_miles", "far", "Enter a number of miles, like 2 or 1.5."),
        ("introduction", "x" * 10_000, "Keep your introduction to 1000 characters or fewer."),
        ("introduction", "Hello\x00there", "This contains a control character"),
        ("can_cook", ["vegetarian", "paleo"], "Choose from the options shown."),
        ("postcode", "N99 9ZZ", "We could not find the postcode N99 9ZZ."),
        ("postcode", "SE1 7PB", "We do not run in SE1 yet"),
    ],
)
def test_cook_profile_refuses_bad_input_and_saves_nothing(
    client, cook, field, value, message, auth
):
    auth.login(cook.user)
    before = (cook.capacity, cook.max_km, cook.introduction, cook.days_mask, cook.postcode)
    page = client.post("/profile/cook", data=cook_data(**{field: value}))
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "There is a problem" in html and message in html
    assert (cook.capacity, cook.max_km, cook.introduction, cook.days_mask, cook.postcode) == before


def test_thirty_miles_fits_the_database_limit(client, cook, auth):
    auth.login(cook.user)
    assert client.post("/profile/cook", data=cook_data(max_miles="30")).status_code == 302
    assert 48 < cook.max_km <= 50


def test_moving_within_the_areas_re_geocodes(client, cook, auth):
    auth.login(cook.user)
    client.post("/profile/cook", data=cook_data(postcode="n12 0aa"))
    assert cook.postcode == "N12 0AA" and cook.outcode == "N12"


def test_vetting_page_shows_each_check_and_what_is_left(client, cook, database, auth):
    today = clock.today()
    cook.checks.append(VettingCheck(kind=CheckKind.ID, checked_on=today - timedelta(days=10)))
    cook.checks.append(
        VettingCheck(
            kind=CheckKind.DBS,
            checked_on=today - timedelta(days=1200),
            expires_on=today - timedelta(days=5),
        )
    )
    database.session.flush()
    auth.login(cook.user)
    html = client.get("/profile/cook/checks").get_data(as_text=True)
    assert "Your checks are not complete yet" in html
    assert "Done" in html and "Expired" in html and "Not done yet" in html
    assert "Your DBS check has expired: please renew it." in html
    assert "Take the free Level 2 food hygiene course" in html
    assert "Does not expire" in html  # the ID check
    # Read-only for cooks: nothing on the page records a check.
    assert 'name="kind"' not in html and 'name="checked_on"' not in html


def test_vetted_cook_sees_they_can_be_introduced(client, database, auth):
    cook = f.cook(f.area("Barnet", outcodes=("N3",)), vetted=True)
    auth.login(cook.user)
    html = client.get("/profile/cook/checks").get_data(as_text=True)
    assert "Your checks are complete: we can introduce you to a neighbour." in html
    assert "Nothing: thank you." in html


def test_cook_pauses_and_comes_back(client, cook, auth):
    auth.login(cook.user)
    today = clock.today()
    last = today + timedelta(days=13)
    page = client.post(
        "/profile/cook/break",
        data={"action": "pause", "first_day": today.isoformat(), "last_day": last.isoformat()},
    )
    assert page.status_code == 302
    assert cook.paused and cook.paused_until == last + timedelta(days=1)
    assert "You are on a break until" in client.get("/").get_data(as_text=True)
    client.post("/profile/cook/break", data={"action": "resume"})
    assert not cook.paused and cook.paused_until is None


def test_a_break_with_no_end_says_no_stand_in_is_sought(client, cook, auth):
    auth.login(cook.user)
    html = client.get("/profile/cook/checks").get_data(as_text=True)
    assert "no stand-in cook is looked for" in html
    page = client.post(
        "/profile/cook/break", data={"action": "pause", "first_day": clock.today().isoformat()}
    )
    assert page.status_code == 302
    assert cook.paused and cook.paused_until is None
    assert "with no end date" in client.get("/profile/cook/checks").get_data(as_text=True)


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (-1, 5, "Choose a first day from today and within a year."),
        (400, None, "Choose a first day from today and within a year."),
        (None, 5, "Choose a first day from today and within a year."),
        (3, 2, "Choose a last day on or after the first day, within a year."),
        (0, 400, "Choose a last day on or after the first day, within a year."),
    ],
)
def test_a_break_must_start_from_today_and_end_after_it_starts(
    client, cook, first, last, message, auth
):
    auth.login(cook.user)
    today = clock.today()
    data = {"action": "pause"}
    if first is not None:
        data["first_day"] = (today + timedelta(days=first)).isoformat()
    if last is not None:
        data["last_day"] = (today + timedelta(days=last)).isoformat()
    page = client.post("/profile/cook/break", data=data)
    assert page.status_code == 422
    assert message in page.get_data(as_text=True)
    assert not cook.paused


def test_paused_and_unvetted_cooks_are_not_offered_to_the_matcher(database, cook):
    from casserole.services.matching import load_inputs

    area = cook.area
    vetted = f.cook(area, vetted=True)
    paused = f.cook(area, vetted=True, paused=True)
    flags = {c.id: c.vetted for c in load_inputs(area).cooks}
    assert flags == {cook.id: False, vetted.id: True, paused.id: False}


def test_cook_pages_are_for_cooks_only(client, database, auth):
    carer = f.user(Role.CARER)
    auth.login(carer)
    assert client.get("/profile/cook").status_code == 403
    assert client.get("/profile/cook/checks").status_code == 403
    assert client.post("/profile/cook/break", data={"action": "pause"}).status_code == 403


# --- Diners and carers ---------------------------------------------------------------


@pytest.fixture
def carer_with_two(database):
    area = f.area("Barnet", outcodes=("N3", "N12"))
    carer = f.user(Role.CARER, first_name="Siobhán")
    one = f.diner(area, carer=carer, first_name="Patrick", access_notes="Key safe")
    two = f.diner(area, carer=carer, first_name="Nora")
    return carer, one, two


def test_carer_has_a_page_per_diner_named_in_its_heading(client, carer_with_two, auth):
    carer, one, two = carer_with_two
    auth.login(carer)
    home = client.get("/").get_data(as_text=True)
    # No switching: each person has their own pages, linked from their own card.
    assert "Switch to" not in home
    for diner in (one, two):
        assert f'href="/profile/diners/{diner.id}"' in home
        assert f'href="/my-meals/{diner.id}"' in home
        page = client.get(f"/profile/diners/{diner.id}").get_data(as_text=True)
        # The heading is a translated sentence (the apostrophe is not escaped as &#39;).
        assert f"<h1>{diner.display_name}'s details</h1>" in page.replace("&#39;", "'")
        plan = client.get(f"/my-meals/{diner.id}").get_data(as_text=True)
        assert f"Meals for {diner.display_name}" in plan
    # /profile/diner leads to the person last opened.
    assert client.get("/profile/diner").headers["Location"] == f"/profile/diners/{two.id}"


def test_carer_cannot_open_someone_elses_diner(client, carer_with_two, database, auth):
    carer, one, _ = carer_with_two
    stranger = f.diner(one.area, first_name="Stranger")
    auth.login(carer)
    assert client.get(f"/profile/diners/{stranger.id}").status_code == 404
    # A stale choice in the session (the diner was moved to another carer) is not trusted.
    client.get(f"/profile/diners/{one.id}")
    one.carer = f.user(Role.CARER)
    database.session.flush()
    assert client.get("/profile/diner").headers["Location"].endswith(f"/{carer_with_two[2].id}")


def test_carer_edits_a_diners_details(client, carer_with_two, auth):
    carer, one, _ = carer_with_two
    auth.login(carer)
    html = client.get(f"/profile/diners/{one.id}").get_data(as_text=True)
    assert "Patrick" in html and "Key safe" in html
    data = {
        "first_name": "Patrick",
        "last_name": "Ó Briain",
        "postcode": "N3 1AB",
        "address_line": "1 Test Street",
        "days": ["2"],
        "needs": ["diabetic-friendly"],
        "allergens": ["milk", "peanuts"],
        "allergies": "Kiwi fruit",
        "radius_miles": "2.5",
        "likes": "Stew",
        "dislikes": "Liver",
        "access_notes": "Knock loudly, door takes a while.",
        "contact_preference": "Ring my daughter after 10am",
    }
    page = client.post(f"/profile/diners/{one.id}", data=data)
    assert page.status_code == 302
    assert one.last_name == "Ó Briain" and one.days == {2}
    # The structured allergens are what matching reads; the note is kept as written.
    assert one.needs == {"diabetic-friendly"}
    assert one.allergens == {"milk", "peanuts"} and one.allergies == "Kiwi fruit"
    assert one.max_km == pytest.approx(4.023, abs=0.001)
    assert one.access_notes == "Knock loudly, door takes a while."
    bad = client.post(f"/profile/diners/{one.id}", data={**data, "days": [], "first_name": "\x07"})
    assert bad.status_code == 422
    assert one.days == {2} and one.first_name == "Patrick"


def test_self_registered_diner_sees_only_their_own_details(client, database, auth):
    area = f.area("Barnet", outcodes=("N3",))
    mine = f.diner(area, user=f.user(Role.DINER), first_name="Edna")
    other = f.diner(area, first_name="Arthur")
    auth.login(mine.user)
    assert client.get("/profile/diner").headers["Location"] == f"/profile/diners/{mine.id}"
    assert client.get(f"/profile/diners/{mine.id}").status_code == 200
    assert client.get(f"/profile/diners/{other.id}").status_code == 404
    assert client.post(f"/profile/diners/{other.id}", data={"first_name": "X"}).status_code == 404
    assert client.get("/profile/diners/new").status_code == 403
