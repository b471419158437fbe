"""Sign-up for cooks, diners and carers: good input makes one complete record, bad input none."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casserole import clock
from casserole.models import (
    ConsentMethod,
    CookProfile,
    DinerProfile,
    OutboundEmail,
    Role,
    User,
    WaitingListEntry,
)
from tests.support import factories as f

GOOD_PASSWORD = "plum crumble on tuesdays"


def cook_form(**overrides):
    data = {
        "first_name": "Zoë",
        "last_name": "Brontë",
        "email": "zoe@example.org",
        "password": GOOD_PASSWORD,
        "phone": "020 7946 0123",
        "postcode": "n3 1ab",
        "address_line": "12 Ballards Lane",
    }
    data.update(overrides)
    return data


def diner_form(**overrides):
    data = {
        "first_name": "Łukasz",
        "last_name": "Nowak",
        "email": "lukasz@example.org",
        "password": GOOD_PASSWORD,
        "postcode": "N12 0AA",
        "address_line": "3 Friern Park",
        "days": ["0", "3"],
        "needs": ["soft-pureed"],
        "allergens": ["peanuts"],
        "allergies": "Kiwi fruit",
        "likes": "Soup",
        "access_notes": "Knock loudly, door takes a while.",
        "contact_preference": "Phone in the morning",
        "consent": "y",
    }
    data.update(overrides)
    return data


def count(database, model):
    return database.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def barnet(database):
    return f.area("Barnet", outcodes=("N3", "N12"))


def test_start_page_offers_three_ways_in(client):
    html = client.get("/join/").get_data(as_text=True)
    assert all(
        path in html for path in ('href="/join/cook"', 'href="/join/diner"', 'href="/join/carer"')
    )


def finish_joining(client, database, email):
    """Follow the link e-mailed to `email` to finish joining; the response of pressing the button."""
    import re

    body = database.session.scalar(
        select(OutboundEmail.text_body)
        .where(OutboundEmail.to_address == email, OutboundEmail.kind == "signup_finish")
        .order_by(OutboundEmail.id.desc())
    )
    path = "/" + re.search(r"https?://\S+", body).group(0).split("/", 3)[3]
    assert client.get(path).status_code == 200
    return client.post(path)


def test_cook_signs_up_and_is_geocoded_into_their_area(client, database, barnet):
    page = client.post("/join/cook", data=cook_form())
    assert page.status_code == 302 and page.headers["Location"] == "/join/check-email"
    assert "We have sent a message to zoe@example.org" in client.get("/join/check-email").get_data(
        as_text=True
    )
    assert "Your cooking" not in client.get("/profile/cook").get_data(as_text=True)
    page = finish_joining(client, database, "zoe@example.org")
    assert page.status_code == 302 and page.headers["Location"] == "/profile/cook"
    user = database.session.scalar(select(User).where(User.email == "zoe@example.org"))
    assert user.role == Role.COOK and user.first_name == "Zoë" and user.phone == "020 7946 0123"
    cook = user.cook_profile
    assert cook.postcode == "N3 1AB" and cook.outcode == "N3" and cook.area_id == barnet.id
    assert cook.latitude == pytest.approx(51.6, abs=0.05)
    assert cook.address_line == "12 Ballards Lane"
    assert not cook.is_vetted(clock.today())
    # Logged in once the link is followed; the link works once.
    assert "Your cooking" in client.get("/profile/cook").get_data(as_text=True)
    assert user.email_confirmed_at is not None


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("", "Enter a postcode, like N3 1AB."),
        ("XX1 1AA", "Enter a full UK postcode, like N3 1AB."),
        ("N3", "Enter a full UK postcode, like N3 1AB."),
        ("N99 9ZZ", "We could not find the postcode N99 9ZZ. Check it and try again."),
    ],
)
def test_bad_postcodes_are_explained_and_nothing_is_saved(
    client, database, barnet, postcode, message
):
    page = client.post("/join/cook", data=cook_form(postcode=postcode))
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "There is a problem" in html and html.count(message) == 2  # summary and field
    assert count(database, User) == 0 and count(database, CookProfile) == 0


def test_outside_every_area_joins_the_waiting_list_and_hears_the_nearest_area(
    client, database, barnet
):
    page = client.post("/join/cook", data=cook_form(postcode="N1 9GU"), follow_redirects=True)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "We do not run in N1 yet" in html
    assert "The nearest area where Casserole runs now is <strong>Barnet</strong>" in html
    assert "miles away" in html
    entry = database.session.scalar(select(WaitingListEntry))
    assert (entry.email, entry.outcode, entry.role, entry.nearest_area_id) == (
        "zoe@example.org",
        "N1",
        Role.COOK,
        barnet.id,
    )
    assert count(database, User) == 0
    # Signing up twice does not put them on the list twice.
    client.post("/join/cook", data=cook_form(postcode="N1 9GU"))
    assert count(database, WaitingListEntry) == 1


def test_an_address_with_an_account_gets_the_same_answer_and_its_owner_an_email(
    client, database, barnet
):
    f.user(Role.CARER, email="zoe@example.org", first_name="Zoe")
    taken = client.post("/join/cook", data=cook_form(email="ZOE@example.org"))
    taken_page = client.get("/join/check-email").get_data(as_text=True)
    fresh = client.application.test_client()
    new = fresh.post("/join/cook", data=cook_form(email="zed@example.org"))
    fresh_page = fresh.get("/join/check-email").get_data(as_text=True)
    assert taken.status_code == new.status_code == 302
    assert taken.headers["Location"] == new.headers["Location"] == "/join/check-email"
    assert taken_page.replace("ZOE@", "X@") == fresh_page.replace("zed@", "X@")
    assert count(database, CookProfile) == 1  # only the new address's
    kinds = dict(
        database.session.execute(select(OutboundEmail.to_address, OutboundEmail.kind)).all()
    )
    assert kinds == {"zoe@example.org": "signup_already", "zed@example.org": "signup_finish"}


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "Use at least 10 characters"),
        ("password123", "That password is too common"),
        ("Password 123", "That password is too common"),
        ("aaaaaaaaaaaa", "That password is too common"),
        ("zoe@example.org", "Do not use your e-mail address as your password."),
    ],
)
def test_weak_passwords_are_refused_with_the_rule(client, database, barnet, password, message):
    page = client.post("/join/cook", data=cook_form(password=password))
    assert page.status_code == 422
    assert message in page.get_data(as_text=True)
    assert count(database, User) == 0


@pytest.mark.parametrize(
    "first_name", ["Zoë", "Łukasz", "李华", "Siobhán", "Mary-Jane", "D'Arcy", "Nguyễn Văn"]
)
def test_names_in_any_script_are_accepted(client, database, barnet, first_name):
    page = client.post("/join/cook", data=cook_form(first_name=first_name))
    assert page.status_code == 302
    assert database.session.scalar(select(User.first_name)) == first_name


@pytest.mark.parametrize(
    ("first_name", "message"),
    [
        ("Zo\x00e", "Names cannot contain control characters."),
        ("Bob\u200b", "Names cannot contain control characters."),
        ("Ann\x1b[31m", "Names cannot contain control characters."),
        ("🍲 Chef", "Names can contain letters, spaces, hyphens and apostrophes only."),
        ("R2D2", "Names can contain letters, spaces, hyphens and apostrophes only."),
        ("   ", "Enter the first name."),
        ("x" * 81, "Keep names to 80 characters or fewer."),
    ],
)
def test_bad_names_are_refused(client, database, barnet, first_name, message):
    page = client.post("/join/cook", data=cook_form(first_name=first_name))
    assert page.status_code == 422
    assert message in page.get_data(as_text=True)
    assert count(database, User) == 0


def test_every_problem_is_listed_at_once(client, database, barnet):
    page = client.post(
        "/join/cook",
        data=cook_form(first_name="", email="not-an-email", password="short", phone="call me"),
    )
    html = page.get_data(as_text=True)
    for message in (
        "Enter the first name.",
        "Enter an e-mail address like name@example.com.",
        "Use at least 10 characters",
        "Enter a phone number using digits",
    ):
        assert html.count(message) == 2, message


def test_diner_signs_up_themselves_with_consent_and_needs(client, database, barnet):
    page = client.post("/join/diner", data=diner_form())
    assert page.status_code == 302
    diner = database.session.scalar(select(DinerProfile))
    assert diner.user.email == "lukasz@example.org" and diner.user.role == Role.DINER
    assert diner.first_name == "Łukasz" and diner.carer is None
    assert diner.days == {0, 3}
    # The allergy is a structured choice (a hard constraint); the note stays as written.
    assert diner.needs == {"soft-pureed"}
    assert diner.allergens == {"peanuts"} and diner.allergies == "Kiwi fruit"
    assert diner.max_km == 3.0  # no radius given: the usual 3 km
    assert diner.access_notes == "Knock loudly, door takes a while."
    assert diner.consent_method == ConsentMethod.SELF_ONLINE
    assert diner.consent_by_id == diner.user_id and diner.consent_at is not None
    assert diner.area_id == barnet.id


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("consent", "", "Please agree so that we can find you a cook."),
        ("days", [], "Choose at least one day."),
        ("days", ["9"], "Choose from the options shown."),
        ("needs", ["halal", "raw-food"], "Choose from the options shown."),
        ("birth_date", "1938-02-30", "Enter a real date, with the day, month and year."),
        ("birth_date", "2999-01-01", "Enter a date of birth in the past"),
        ("likes", "x" * 501, "Keep this to 500 characters or fewer."),
        ("allergies", "nuts\x07", "This contains a control character"),
    ],
)
def test_diner_sign_up_refuses_bad_input(client, database, barnet, field, value, message):
    data = diner_form()
    if value == "":
        data.pop(field)
    else:
        data[field] = value
    page = client.post("/join/diner", data=data)
    assert page.status_code == 422
    assert message in page.get_data(as_text=True)
    assert count(database, User) == 0 and count(database, DinerProfile) == 0


def test_diner_outside_every_area_joins_the_waiting_list(client, database, barnet):
    page = client.post("/join/diner", data=diner_form(postcode="SE1 7PB"), follow_redirects=True)
    assert "We do not run in SE1 yet" in page.get_data(as_text=True)
    assert database.session.scalar(select(WaitingListEntry.role)) == Role.DINER
    assert count(database, DinerProfile) == 0


def test_carer_signs_up_then_adds_two_diners(client, database, barnet):
    page = client.post(
        "/join/carer",
        data={
            "first_name": "Siobhán",
            "last_name": "Kelly",
            "email": "siobhan@example.org",
            "password": GOOD_PASSWORD,
        },
    )
    assert page.headers["Location"] == "/join/check-email"
    page = finish_joining(client, database, "siobhan@example.org")
    assert page.headers["Location"] == "/profile/diners/new"
    carer = database.session.scalar(select(User).where(User.role == Role.CARER))
    for first, method in (("Patrick", "carer_confirmed"), ("Nora", "phone")):
        data = diner_form(first_name=first, relationship="Daughter", consent_method=method)
        for key in ("email", "password"):
            data.pop(key)
        page = client.post("/profile/diners/new", data=data)
        assert page.status_code == 302, page.get_data(as_text=True)
    diners = database.session.scalars(select(DinerProfile).order_by(DinerProfile.id)).all()
    assert [d.first_name for d in diners] == ["Patrick", "Nora"]
    assert all(d.carer_id == carer.id and d.user_id is None for d in diners)
    assert all(d.consent_by_id == carer.id and d.consent_at for d in diners)
    assert [d.consent_method for d in diners] == [
        ConsentMethod.CARER_CONFIRMED,
        ConsentMethod.PHONE,
    ]
    assert diners[0].carer_relationship == "Daughter"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("consent", None, "Please confirm they have agreed before signing them up."),
        ("relationship", None, "Say how you know them"),
        ("consent_method", None, "Say how they told you they agree."),
        ("consent_method", "self_online", "Choose one of the ways shown."),
        ("postcode", "N99 9ZZ", "We could not find the postcode N99 9ZZ."),
    ],
)
def test_carer_adding_a_diner_must_record_consent(client, database, barnet, field, value, message):
    carer = f.user(Role.CARER, email="carer@example.org")
    client.post("/auth/login", data={"email": carer.email, "password": f.PASSWORD})
    data = diner_form(relationship="Son", consent_method="paper")
    if value is None:
        data.pop(field)
    else:
        data[field] = value
    page = client.post("/profile/diners/new", data=data)
    assert page.status_code == 422
    assert message in page.get_data(as_text=True)
    assert count(database, DinerProfile) == 0


def test_signed_in_people_are_sent_home_from_sign_up(client, database, barnet):
    f.user(Role.CARER, email="carer@example.org")
    client.post("/auth/login", data={"email": "carer@example.org", "password": f.PASSWORD})
    assert client.get("/join/cook").status_code == 302


def test_a_finish_link_works_once_and_a_forged_one_not_at_all(client, database, barnet):
    client.post(
        "/join/carer",
        data={
            "first_name": "Ann",
            "email": "ann@example.org",
            "password": GOOD_PASSWORD,
        },
    )
    assert finish_joining(client, database, "ann@example.org").status_code == 302
    client.post("/auth/logout")
    body = database.session.scalar(select(OutboundEmail.text_body))
    path = "/" + body.split("http://", 1)[1].split()[0].split("/", 1)[1]
    again = client.post(path)
    assert again.status_code == 400 and "already been used" in again.get_data(as_text=True)
    assert client.get("/join/finish/forged.token.here").status_code == 400


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"allergens": ["arsenic"]}, "Choose from the options shown."),
        ({"radius_miles": "40"}, "Choose a distance from 0.3 to 6.2 miles (0.5 to 10 km)."),
        ({"radius_miles": "0.1"}, "Choose a distance from 0.3 to 6.2 miles (0.5 to 10 km)."),
        ({"radius_miles": "far"}, "Enter a number of miles"),
    ],
)
def test_diner_allergens_and_radius_are_checked(client, database, barnet, overrides, message):
    page = client.post("/join/diner", data=diner_form(**overrides))
    assert page.status_code == 422
    assert message in page.get_data(as_text=True)
    assert count(database, DinerProfile) == 0


def test_a_diner_chooses_their_radius_at_sign_up(client, database, barnet):
    assert client.post("/join/diner", data=diner_form(radius_miles="1")).status_code == 302
    diner = database.session.scalar(select(DinerProfile))
    assert diner.max_km == pytest.approx(1.609, abs=0.001)
