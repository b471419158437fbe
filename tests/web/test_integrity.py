"""The database itself refuses impossible states, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from casserole.models import PairingStatus
from tests.support import factories as f


@pytest.fixture
def world(database):
    area = f.area()
    return area, f.cook(area, capacity=3), f.cook(area, capacity=3), f.diner(area)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (PairingStatus.ACTIVE, PairingStatus.ACTIVE),
        (PairingStatus.ACTIVE, PairingStatus.PAUSED),
        (PairingStatus.PAUSED, PairingStatus.ACTIVE),
    ],
)
def test_second_live_pairing_for_a_diner_fails_at_the_database(database, world, first, second):
    area, cook_a, cook_b, diner = world
    f.pairing(cook_a, diner, first)
    database.session.commit()
    with pytest.raises(IntegrityError, match="(?i)unique"):
        f.pairing(cook_b, diner, second)
    database.session.rollback()


def test_raw_sql_insert_cannot_bypass_the_rule(database, world):
    """Even SQL written by hand (a console, a script) meets the partial unique index."""
    area, cook_a, cook_b, diner = world
    f.pairing(cook_a, diner, PairingStatus.ACTIVE)
    database.session.commit()
    with pytest.raises(IntegrityError):
        database.session.execute(
            text(
                "INSERT INTO pairings (cook_id, diner_id, area_id, status, source, "
                "override_reason, proposed_at, started_at, end_note, decline_reason) VALUES "
                "(:c, :d, :a, 'active', 'matcher', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '', '')"
            ),
            {"c": cook_b.id, "d": diner.id, "a": area.id},
        )
    database.session.rollback()


def test_ended_and_proposed_pairings_do_not_count(database, world):
    area, cook_a, cook_b, diner = world
    f.pairing(cook_a, diner, PairingStatus.ENDED)
    f.pairing(cook_b, diner, PairingStatus.PROPOSED)
    f.pairing(cook_a, diner, PairingStatus.DECLINED)
    f.pairing(cook_b, diner, PairingStatus.ACTIVE)
    database.session.commit()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("capacity", 0),
        ("capacity", 50),
        ("max_km", -1.0),
        ("max_km", 0.0),
        ("latitude", 91.0),
        ("longitude", -181.0),
        ("days_mask", 128),
    ],
)
def test_cook_check_constraints(database, field, value):
    area = f.area()
    with pytest.raises(IntegrityError, match="(?i)check"):
        f.cook(area, vetted=False, **{field: value})
    database.session.rollback()


@pytest.mark.parametrize(
    ("field", "value"), [("latitude", -90.5), ("max_km", -3.0), ("needs_mask", 1 << 12)]
)
def test_diner_check_constraints(database, field, value):
    area = f.area()
    with pytest.raises(IntegrityError, match="(?i)check"):
        f.diner(area, **{field: value})
    database.session.rollback()


def test_a_diner_needs_an_account_or_a_carer(database):
    with pytest.raises(IntegrityError):
        database.session.execute(
            text(
                "INSERT INTO diner_profiles (first_name, last_name, postcode, outcode, "
                "address_line, latitude, longitude, geo_precision, days_mask, needs_mask, "
                "allergies, likes, dislikes, access_notes, contact_preference, max_km, "
                "waiting_since, created_at, carer_relationship) VALUES ('A', '', 'N3 1AB', 'N3', "
                "'', 51.6, -0.19, 'district', 1, 0, '', '', '', '', '', 3.0, CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP, '')"
            )
        )
    database.session.rollback()


def test_unknown_enum_values_are_refused(database, world):
    area, cook_a, _, diner = world
    database.session.commit()
    with pytest.raises(IntegrityError):
        database.session.execute(
            text(
                "INSERT INTO pairings (cook_id, diner_id, area_id, status, source, override_reason, "
                "proposed_at, end_note, decline_reason) VALUES (:c, :d, :a, 'married', 'matcher', '', "
                "CURRENT_TIMESTAMP, '', '')"
            ),
            {"c": cook_a.id, "d": diner.id, "a": area.id},
        )
    database.session.rollback()
