"""Everyone's preferred way of contact, and UK phone numbers checked and written one way."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from casserole.models import ContactWay, DinerProfile, Role, User
from casserole.services.input_rules import is_mobile, normalise_phone, phone_problem
from tests.support import factories as f

PASSWORD = "plum crumble on tuesdays"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("02079460000", "020 7946 0000"),
        ("+44 20 7946 0000", "020 7946 0000"),
        ("0044 7700 900123", "07700 900123"),
        ("07911-123456", "07911 123456"),
        ("(0113) 496 0000", "0113 496 0000"),
        ("+33 1 42 68 53 00", "+33 1 42 68 53 00"),
    ],
)
def test_good_numbers_are_written_one_way(typed, stored):
    assert phone_problem(typed) is None
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("call me", "digits, spaces and + only"),
        ("123", "7 to 15 digits"),
        ("0123 456 789", "not a UK phone number"),
        ("07700 9001234", "not a UK phone number"),
        ("0800 000 0000 0000", "not a UK phone number"),
    ],
)
def test_bad_numbers_say_why(typed, says):
    assert says in (phone_problem(typed) or "")


def test_only_mobiles_take_text_messages():
    assert is_mobile("07911 123456") and is_mobile("+44 7700 900123")
    assert (
        not is_mobile("020 7946 0000") and not is_mobile("") and not is_mobile("+33 6 12 34 56 78")
    )


@pytest.fixture
def barnet(database):
    area = f.area("Barnet", outcodes=("N3", "N12"))
    database.session.commit()
    return area


def _cook_form(**over):
    data = {
        "first_name": "Priya",
        "email": "priya@example.org",
        "password": PASSWORD,
        "phone": "07700900123",
        "preferred_contact": "sms",
        "postcode": "N3 1AB",
        "address_line": "12 Ballards Lane",
    }
    return {**data, **over}


def test_a_cook_who_prefers_texts_signs_up_with_a_mobile(client, database, barnet):
    assert client.post("/join/cook", data=_cook_form()).status_code == 302
    user = database.session.scalar(select(User).where(User.email == "priya@example.org"))
    assert user.preferred_contact == ContactWay.SMS and user.phone == "07700 900123"


@pytest.mark.parametrize(
    ("over", "field_says"),
    [
        ({"phone": "020 7946 0000"}, "enter a mobile number"),
        ({"phone": ""}, "enter a mobile number"),
        ({"phone": "0123 456 789"}, "not a UK phone number"),
        ({"preferred_contact": "pigeon"}, "Choose one of the ways shown."),
    ],
)
def test_a_way_that_cannot_work_is_refused_and_nothing_is_made(
    client, database, barnet, over, field_says
):
    page = client.post("/join/cook", data=_cook_form(**over))
    assert page.status_code == 422 and field_says in page.get_data(as_text=True)
    assert database.session.scalar(select(func.count()).select_from(User)) == 0


def test_carers_are_not_offered_letters(client, database, barnet):
    html = client.get("/join/carer").get_data(as_text=True)
    assert 'value="phone"' in html and 'value="letter"' not in html
    page = client.post(
        "/join/carer",
        data={
            "first_name": "Siobhan",
            "email": "siobhan@example.org",
            "password": PASSWORD,
            "preferred_contact": "letter",
        },
    )
    assert page.status_code == 422 and "Choose one of the ways shown." in page.get_data(
        as_text=True
    )


def test_a_carer_signs_up_someone_who_prefers_letters(client, database, barnet, auth):
    carer = f.user(Role.CARER, email="carer@example.org")
    database.session.commit()
    auth.login(carer)
    page = client.post(
        "/profile/diners/new",
        data={
            "first_name": "Edna",
            "last_name": "Smith",
            "relationship": "Daughter",
            "phone": "",
            "preferred_contact": "letter",
            "postcode": "N3 1AB",
            "address_line": "7 Mill Lane",
            "days": ["0"],
            "consent_method": "carer_confirmed",
            "consent": "y",
        },
    )
    assert page.status_code == 302, page.get_data(as_text=True)
    diner = database.session.scalar(select(DinerProfile).where(DinerProfile.first_name == "Edna"))
    assert diner.preferred_contact == ContactWay.LETTER
    edit = client.get(f"/profile/diners/{diner.id}").get_data(as_text=True)
    assert (
        '<input checked id="preferred_contact-2" name="preferred_contact" type="radio" value="letter">'
        in edit
    )


def test_a_cook_changes_their_number_and_way_on_their_profile(client, database, barnet, auth):
    cook = f.cook(barnet)
    database.session.commit()
    auth.login(cook.user)
    data = {
        "days": ["1"],
        "can_cook": [],
        "capacity": "1",
        "max_miles": "2",
        "introduction": "",
        "postcode": "N3 1AB",
        "address_line": "1 Test Street",
        "phone": "+447911123456",
        "preferred_contact": "phone",
    }
    assert client.post("/profile/cook", data=data).status_code == 302
    database.session.refresh(cook.user)
    assert cook.user.phone == "07911 123456"
    assert cook.user.preferred_contact == ContactWay.PHONE
    bad = client.post("/profile/cook", data={**data, "phone": "", "preferred_contact": "sms"})
    assert bad.status_code == 422 and "enter a mobile number" in bad.get_data(as_text=True)
    database.session.refresh(cook.user)
    assert cook.user.preferred_contact == ContactWay.PHONE


def test_the_csv_import_checks_and_normalises_phone_numbers(client, database, barnet, auth):
    coordinator = f.user(Role.COORDINATOR)
    coordinator.areas = [barnet]
    database.session.commit()
    auth.login(coordinator)
    header = (
        "first_name,last_name,postcode,address_line,days,phone,"
        "emergency_contact_name,emergency_contact_phone,preferred_contact"
    )

    def upload(row):
        data = f"{header}\n{row}\n".encode()
        return client.post(
            "/coordinator/barnet/referrals/import",
            data={"file": (io.BytesIO(data), "referrals.csv")},
            content_type="multipart/form-data",
        ).get_data(as_text=True)

    bad = upload("Ivy,Price,N3 1AB,4 Lichfield Grove,Mon,0123 456 789,,,phone")
    assert "not a UK phone number" in bad
    assert database.session.scalar(select(func.count()).select_from(DinerProfile)) == 0
    page = upload(
        "Ivy,Price,N3 1AB,4 Lichfield Grove,Mon,02083590000,Sam Price,0044 20 8346 0000,phone"
    )
    token = re.search(r'name="token" value="([0-9a-f]{64})"', page).group(1)
    client.post("/coordinator/barnet/referrals/import", data={"token": token})
    diner = database.session.scalar(select(DinerProfile))
    assert diner.phone == "020 8359 0000"
    assert diner.emergency_contact_phone == "020 8346 0000"
    assert diner.preferred_contact == ContactWay.PHONE


def test_registration_checks_the_referrers_and_emergency_numbers(client, database, barnet, auth):
    coordinator = f.user(Role.COORDINATOR)
    coordinator.areas = [barnet]
    database.session.commit()
    auth.login(coordinator)
    data = {
        "first_name": "Ivy",
        "postcode": "N3 1AB",
        "address_line": "4 Lichfield Grove",
        "days": ["1"],
        "preferred_contact": "phone",
        "phone": "020 8346 0000",
        "emergency_contact_name": "Sam Price",
        "emergency_contact_phone": "0123",
        "referrer_kind": "gp",
        "referrer_name": "Dr Shah",
        "referrer_contact": "0123 456 789",
    }
    page = client.post("/coordinator/barnet/diners/new", data=data)
    assert page.status_code == 422 and "7 to 15 digits" in page.get_data(as_text=True)
    page = client.post(
        "/coordinator/barnet/diners/new", data={**data, "emergency_contact_phone": ""}
    )
    assert page.status_code == 422
    assert "Enter an e-mail address or a phone number." in page.get_data(as_text=True)
    assert database.session.scalar(select(func.count()).select_from(DinerProfile)) == 0
    good = {**data, "emergency_contact_phone": "07700900123", "referrer_contact": "02083461111"}
    assert client.post("/coordinator/barnet/diners/new", data=good).status_code == 302
    diner = database.session.scalar(select(DinerProfile))
    assert diner.referrer_contact == "020 8346 1111"
    assert diner.emergency_contact_phone == "07700 900123"
    assert diner.preferred_contact == ContactWay.PHONE


def test_a_carer_changes_how_we_reach_them(client, database, barnet, auth):
    carer = f.user(Role.CARER, email="carer@example.org")
    database.session.commit()
    auth.login(carer)
    assert 'href="/profile/contact"' in client.get("/").get_data(as_text=True)
    page = client.get("/profile/contact").get_data(as_text=True)
    assert 'value="letter"' not in page and 'value="sms"' in page
    bad = client.post(
        "/profile/contact", data={"phone": "020 7946 0000", "preferred_contact": "sms"}
    )
    assert bad.status_code == 422 and "enter a mobile number" in bad.get_data(as_text=True)
    good = client.post(
        "/profile/contact", data={"phone": "07911123456", "preferred_contact": "sms"}
    )
    assert good.status_code == 302
    database.session.refresh(carer)
    assert carer.phone == "07911 123456" and carer.preferred_contact == ContactWay.SMS
