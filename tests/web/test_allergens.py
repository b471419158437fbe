"""Allergens: structured choices, a hard constraint in matching, and a meal that contained one."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from casserole import clock
from casserole.models import (
    AuditEvent,
    DinerProfile,
    Feedback,
    MealShare,
    PairingStatus,
    Role,
)
from casserole.models.vocab import allergens_to_mask, tags_to_mask
from casserole.services import matching as matcher
from casserole.services.diner_details import allergen_lines
from tests.support import factories as f

P = PairingStatus


@pytest.fixture
def world(database):
    area = f.area(contact_email="team@barnet.example")
    coordinator = f.user(Role.COORDINATOR, email="coord@barnet.example", first_name="Cora")
    coordinator.areas = [area]
    cook = f.cook(area, user=f.user(Role.COOK, email="cook@example.org", first_name="Maya"))
    carer = f.user(Role.CARER, email="carer@example.org", first_name="Sam")
    diner = f.diner(
        area,
        carer=carer,
        first_name="Edna",
        allergen_mask=allergens_to_mask({"peanuts", "milk"}),
        allergies="Kiwi fruit",
    )
    pairing = f.pairing(cook, diner, P.ACTIVE)
    database.session.commit()
    return type(
        "World",
        (),
        dict(area=area, coordinator=coordinator, cook=cook, carer=carer, diner=diner, p=pairing),
    )


def _meal(client, pid, **extra):
    data = {"shared_on": clock.today().isoformat(), "dish": "Satay chicken", **extra}
    return client.post(f"/pairings/{pid}/meals/new", data=data, follow_redirects=True)


def test_allergen_lines_name_the_allergens_then_the_note(world):
    assert allergen_lines(world.diner) == [
        "Allergic to milk",
        "Allergic to peanuts",
        "Also: Kiwi fruit",
    ]


def test_a_meal_with_the_diners_allergen_is_kept_and_raised_as_urgent(
    client, auth, world, database, smtp_server
):
    auth.login(world.cook.user)
    form = client.get(f"/pairings/{world.p.id}/meals/new").get_data(as_text=True)
    assert "Allergic to peanuts" in form and 'value="sesame"' in form
    page = _meal(client, world.p.id, allergens=["peanuts", "celery"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Meal logged. Thank you!" not in html
    assert "Warning: Edna is allergic to peanuts, and this meal contained peanuts." in html
    meal = database.session.scalar(select(MealShare))
    assert meal.allergen_mask == allergens_to_mask({"peanuts", "celery"})
    concern = database.session.scalar(select(Feedback).where(Feedback.is_concern.is_(True)))
    assert concern.urgent and concern.meal_share_id == meal.id
    assert "contains peanuts" in concern.comment
    # Coordinators get the urgent concern, the carer the warning; both by real SMTP.
    subjects = {(m["To"], m["Subject"]) for m in smtp_server.messages}
    assert (
        "coord@barnet.example",
        f"URGENT safeguarding concern raised about pairing {world.p.id} (Barnet)",
    ) in subjects
    assert ("carer@example.org", "Allergy warning: Edna's meal contained peanuts") in subjects
    carer_mail = next(m for m in smtp_server.messages if m["To"] == "carer@example.org")
    assert "call 999" in carer_mail.get_body(("plain",)).get_content()
    assert database.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "pairing.allergen_alert")
    )
    # The cook's pairing page keeps the warning.
    assert 'id="allergen-alert"' in client.get(f"/pairings/{world.p.id}").get_data(as_text=True)


def test_everyone_sees_the_alert_on_the_pairing_page_and_the_console_tops_it(
    client, auth, world, database
):
    auth.login(world.cook.user)
    _meal(client, world.p.id, allergens=["milk"])
    auth.logout()
    auth.login(world.carer)
    html = client.get(f"/pairings/{world.p.id}").get_data(as_text=True)
    assert 'id="allergen-alert"' in html and "contained milk" in html
    home = client.get("/").get_data(as_text=True)
    assert "Allergy warning:</strong> the meal of" in home and "contained milk" in home
    auth.logout()
    auth.login(world.coordinator)
    html = client.get(f"/pairings/{world.p.id}").get_data(as_text=True)
    assert 'id="allergen-alert"' in html and "ALLERGEN ALERT" in html
    console = client.get("/coordinator/barnet/").get_data(as_text=True)
    assert 'id="urgent-concerns"' in console


def test_a_safe_meal_is_thanked_and_raises_nothing(client, auth, world, database, smtp_server):
    auth.login(world.cook.user)
    html = _meal(client, world.p.id, allergens=["celery", "eggs"]).get_data(as_text=True)
    assert "Meal logged. Thank you!" in html and 'id="allergen-alert"' not in html
    assert database.session.scalar(select(Feedback)) is None
    assert smtp_server.messages == []


def test_an_unknown_allergen_is_refused_next_to_the_field(client, auth, world, database):
    auth.login(world.cook.user)
    page = client.post(
        f"/pairings/{world.p.id}/meals/new",
        data={"shared_on": clock.today().isoformat(), "dish": "Soup", "allergens": ["arsenic"]},
    )
    assert page.status_code == 422
    assert "Choose from the options shown." in page.get_data(as_text=True)
    assert database.session.scalar(select(MealShare)) is None


def test_matching_never_proposes_a_cook_who_cannot_keep_the_allergen_out(world, database):
    other = f.diner(world.area, first_name="Olive", allergen_mask=allergens_to_mask({"sesame"}))
    able = f.cook(world.area, keeps_out_mask=allergens_to_mask({"sesame", "milk"}))
    unable = f.cook(world.area, keeps_out_mask=allergens_to_mask({"milk"}))
    database.session.commit()
    snap = matcher.waiting_details(world.area)
    assert snap.reasons[other.id] == "match_available"
    feasible = matcher.feasible_for(
        other, [matcher.as_matcher_cook(r, clock.today()) for r in _cook_rows(able, unable)], set()
    )
    assert set(feasible) == {able.id}
    able.keeps_out_mask = 0
    database.session.commit()
    assert matcher.waiting_details(world.area).reasons[other.id] == "no_cook_for_needs"


def _cook_rows(*cooks):
    from casserole.extensions import db
    from casserole.models import CookProfile

    ids = [c.id for c in cooks]
    return db.session.execute(
        matcher.cook_columns(clock.today()).where(CookProfile.id.in_(ids))
    ).all()


def test_pairing_by_hand_refuses_a_cook_who_cannot_keep_the_allergen_out(
    client, auth, world, database
):
    other = f.diner(world.area, first_name="Olive", allergen_mask=allergens_to_mask({"sesame"}))
    unable = f.cook(world.area)
    database.session.commit()
    auth.login(world.coordinator)
    page = client.get(f"/coordinator/barnet/diners/{other.id}/pair").get_data(as_text=True)
    assert "cannot keep out sesame" in page
    refused = client.post(
        f"/coordinator/barnet/diners/{other.id}/pair",
        data={"cook_id": unable.id, "override_reason": "They promised"},
    )
    assert refused.status_code == 422
    assert "cannot keep sesame out of a meal" in refused.get_data(as_text=True)


def test_a_coordinator_changes_allergens_and_radius_and_the_cook_is_told(
    client, auth, world, database, smtp_server
):
    auth.login(world.coordinator)
    url = f"/coordinator/barnet/diners/{world.diner.id}/needs"
    form = client.get(url).get_data(as_text=True)
    assert 'checked id="allergens-10" name="allergens" type="checkbox" value="peanuts"' in form
    bad = client.post(url, data={"allergens": ["sesame"], "radius_miles": "12"})
    assert bad.status_code == 422
    assert "Choose a distance from 0.3 to 6.2 miles (0.5 to 10 km)." in bad.get_data(as_text=True)
    assert world.diner.allergens == {"peanuts", "milk"}
    ok = client.post(url, data={"allergens": ["sesame"], "allergies": "", "radius_miles": "2"})
    assert ok.status_code == 302
    database.session.refresh(world.diner)
    assert world.diner.allergens == {"sesame"} and world.diner.allergies == ""
    assert world.diner.max_km == pytest.approx(3.219, abs=0.001)
    [mail] = smtp_server.messages
    assert mail["To"] == "cook@example.org"
    assert mail["Subject"] == "Edna's allergies have changed"
    assert "Allergic to sesame" in mail.get_body(("plain",)).get_content()
    record = client.get(f"/coordinator/barnet/diners/{world.diner.id}").get_data(as_text=True)
    assert "Allergic to sesame" in record


def test_another_areas_coordinator_cannot_change_a_diners_needs(client, auth, world, database):
    other = f.area("Hackney", ("E8",), slug="hackney")
    stranger = f.user(Role.COORDINATOR)
    stranger.areas = [other]
    database.session.commit()
    auth.login(stranger)
    url = f"/coordinator/hackney/diners/{world.diner.id}/needs"
    assert client.post(url, data={"allergens": [], "radius_miles": "2"}).status_code == 404
    assert world.diner.allergens == {"peanuts", "milk"}


def test_the_cooks_pages_list_the_allergens_prominently(client, auth, world):
    auth.login(world.cook.user)
    page = client.get(f"/pairings/{world.p.id}").get_data(as_text=True)
    assert "Allergic to milk. Allergic to peanuts. Also: Kiwi fruit." in page
    neighbour = client.get(f"/profile/neighbours/{world.diner.id}").get_data(as_text=True)
    assert 'id="allergies"' in neighbour and "Allergic to peanuts" in neighbour


def test_a_cook_says_what_they_keep_out(client, auth, world, database):
    auth.login(world.cook.user)
    page = client.get("/profile/cook").get_data(as_text=True)
    assert "Allergens you can reliably keep out of a meal" in page
    data = {
        "days": ["0", "2"],
        "can_cook": [],
        "keeps_out": ["peanuts", "milk"],
        "capacity": "2",
        "max_miles": "2",
        "postcode": world.cook.postcode,
        "address_line": "1 Test Street",
    }
    assert client.post("/profile/cook", data=data).status_code == 302
    assert world.cook.keeps_out == {"peanuts", "milk"}
    bad = client.post("/profile/cook", data={**data, "keeps_out": ["plutonium"]})
    assert bad.status_code == 422
    assert world.cook.keeps_out == {"peanuts", "milk"}


def test_a_coordinator_registers_a_diner_with_allergens_and_a_radius(client, auth, world, database):
    auth.login(world.coordinator)
    data = {
        "first_name": "Ivy",
        "postcode": "N3 1AB",
        "address_line": "4 Lichfield Grove",
        "days": ["1"],
        "allergens": ["sesame", "fish"],
        "allergies": "Kiwi",
        "radius_miles": "1.5",
        "emergency_contact_name": "Rose Price",
        "emergency_contact_phone": "07700 900123",
        "consent_method": "phone",
    }
    assert client.post("/coordinator/barnet/diners/new", data=data).status_code == 302
    ivy = database.session.scalar(select(DinerProfile).where(DinerProfile.first_name == "Ivy"))
    assert ivy.allergens == {"sesame", "fish"} and ivy.allergies == "Kiwi"
    assert ivy.max_km == pytest.approx(2.414, abs=0.001)


def _import(client, body: str):
    page = client.post(
        "/coordinator/barnet/referrals/import",
        data={"file": (io.BytesIO(body.encode()), "referrals.csv")},
        content_type="multipart/form-data",
    )
    return page.status_code, page.get_data(as_text=True)


def test_the_csv_import_reads_allergens_in_plain_words(client, auth, world, database):
    auth.login(world.coordinator)
    header = "first_name,postcode,address_line,days,allergens,consent_method"
    status, page = _import(client, f"{header}\nIvy,N3 1AB,4 Elm Road,Mon,nuts; Sesame,phone\n")
    assert status == 200 and "1 new referral" in page
    token = re.search(r'name="token" value="([0-9a-f]{64})"', page).group(1)
    client.post("/coordinator/barnet/referrals/import", data={"token": token})
    ivy = database.session.scalar(select(DinerProfile).where(DinerProfile.first_name == "Ivy"))
    assert ivy.allergens == {"tree_nuts", "peanuts", "sesame"}
    status, page = _import(client, f"{header}\nStan,N3 1AB,9 Elm Road,Tue,kryptonite,phone\n")
    assert status == 422 and "“kryptonite” is not one of" in page


def test_the_migration_turns_old_allergy_notes_into_allergens(app, database):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    diner = f.diner(f.area("Hackney", ("E8",), slug="hackney"), allergies="Nuts and shellfish")
    database.session.commit()
    with app.app_context():
        downgrade(revision="7a4d0e3c1f58")
        upgrade()
        mask = database.session.execute(
            text("SELECT allergen_mask FROM diner_profiles WHERE id = :i"), {"i": diner.id}
        ).scalar_one()
    assert mask == allergens_to_mask({"tree_nuts", "peanuts", "crustaceans", "molluscs"})


def test_the_data_download_lists_allergens_and_erasure_clears_them(world, database):
    from casserole.services import erasure, rights

    meal = MealShare(
        shared_on=clock.today(), dish="Soup", allergen_mask=allergens_to_mask({"celery"})
    )
    world.p.meals.append(meal)
    database.session.commit()
    data = rights.export_diner(world.diner)
    assert data["allergens"] == ["milk", "peanuts"] and data["allergies"] == "Kiwi fruit"
    assert data["pairings"][0]["meals"][0]["allergens"] == ["celery"]
    erasure.erase_diner(world.diner, world.carer)
    database.session.refresh(world.diner)
    assert world.diner.allergen_mask == 0 and world.diner.allergies == ""


def test_the_waiting_list_says_which_allergens_no_cook_can_keep_out(world, database):
    from casserole.services.coordinator.waiting import explain

    halal = f.diner(
        world.area,
        postcode="N3 2AA",
        needs_mask=tags_to_mask({"halal"}),
        allergen_mask=allergens_to_mask({"sesame"}),
    )
    assert explain("no_cook_for_needs", (2, 0, 0, 0), world.diner) == (
        "2 cooks within 1.9 miles, none keeps out milk and peanuts. "
        "A cook near N3 who keeps out milk and peanuts would help."
    )
    assert "none cooks halal and keeps out sesame." in explain(
        "no_cook_for_needs", (1, 0, 0, 0), halal
    )


def test_the_cooks_record_says_what_they_keep_out(client, auth, world, database):
    world.cook.keeps_out_mask = allergens_to_mask({"sesame", "eggs"})
    database.session.commit()
    auth.login(world.coordinator)
    page = client.get(f"/coordinator/barnet/cooks/{world.cook.id}").get_data(as_text=True)
    assert '<dd id="keeps-out">eggs, sesame</dd>' in page
