"""The borough demo tells the truth: every state and reason, real history, published figures."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from statistics import mean

import pytest
from sqlalchemy import select

from casserole import clock, demo
from casserole.demo.geography import km_between
from casserole.demo.roster import LEFT_THE_SCHEME, WAITING_REASONS
from casserole.extensions import db
from casserole.geocoding import district_centroids
from casserole.models import (
    Area,
    CookProfile,
    EndReason,
    MealShare,
    Pairing,
    PairingStatus,
)

# struct-console moves figures and stats to casserole.services.coordinator: this one line.
from casserole.services import stats
from casserole.services.coordinator import figures
from casserole.services.coordinator.periods import last_months
from casserole.services.matching import waiting_details
from matching.reasons import REASON_CODES

KM_PER_MILE = 1.609344
UK_POSTCODE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}")
# The published Casserole Club figures, and how close each borough must come.
PUBLISHED = {
    "share of diners over 80": (0.80, 0.05),
    "weeks between meals": (1.5, 0.15),
    "average distance (miles)": (0.8, 0.2),
    "longest pairing (months)": (16.0, 1.0),
}


@pytest.fixture(scope="module")
def areas(app):
    """Seed once for the module (its tests only read), and leave empty tables behind."""
    from casserole.extensions import db
    from tests.support.app import empty_tables

    empty_tables(app)
    with app.app_context():
        demo.seed_boroughs()
        yield list(db.session.scalars(select(Area).order_by(Area.id)))
        db.session.rollback()
        db.session.remove()
    empty_tables(app)


def _figures(area: Area) -> dict[str, float | None]:
    found = figures.compute(area, last_months(24))
    km = found.avg_distance_km
    return {
        "share of diners over 80": found.share_over_80,
        "weeks between meals": found.avg_interval_weeks,
        "average distance (miles)": None if km is None else km / KM_PER_MILE,
        "longest pairing (months)": found.longest_months,
    }


def test_roster_names_the_matchers_reasons():
    assert WAITING_REASONS == REASON_CODES


def test_each_borough_stands_near_the_published_figures(areas):
    for area in areas:
        found = _figures(area)
        for name, (target, tolerance) in PUBLISHED.items():
            assert found[name] is not None, (area.slug, name)
            assert abs(found[name] - target) <= tolerance, (area.slug, name, found[name])


def test_each_borough_has_a_retention_curve_with_a_median(areas):
    for area in areas:
        found = figures.compute(area, last_months(24))
        assert found.median_months is not None, area.slug
        assert min(p for _, p in found.curve) < 0.5, area.slug


def test_each_borough_has_every_state_and_end_reason(areas):
    session = db.session
    for area in areas:
        pairings = list(session.scalars(select(Pairing).where(Pairing.area_id == area.id)))
        states = Counter(p.status for p in pairings)
        for state in (
            PairingStatus.ACTIVE,
            PairingStatus.PAUSED,
            PairingStatus.PROPOSED,
            PairingStatus.ENDED,
        ):
            assert states[state] >= 1, (area.slug, state)
        ended = {p.end_reason for p in pairings if p.status == PairingStatus.ENDED}
        assert ended == set(EndReason), area.slug
        at_risk = stats.at_risk_ids({area.id})
        assert at_risk, area.slug
        assert set(at_risk) < {p.id for p in pairings if p.status == PairingStatus.ACTIVE}


def test_each_borough_waits_for_every_reason(areas):
    for area in areas:
        reasons = set(waiting_details(area).reasons.values())
        assert set(REASON_CODES) <= reasons, (area.slug, set(REASON_CODES) - reasons)


def test_diners_who_left_are_not_waiting(areas):
    session = db.session
    for area in areas:
        waiting = set(waiting_details(area).reasons)
        for pairing in session.scalars(
            select(Pairing).where(
                Pairing.area_id == area.id, Pairing.end_reason.in_(LEFT_THE_SCHEME)
            )
        ):
            assert pairing.diner_id not in waiting


def test_sign_ups_are_spread_over_the_history_and_come_first(areas):
    session = db.session
    for area in areas:
        cooks = list(session.scalars(select(CookProfile).where(CookProfile.area_id == area.id)))
        joined = sorted(c.created_at for c in cooks)
        assert joined[-1] - joined[0] > timedelta(days=365), area.slug
        recent = figures.compute(area, last_months(3))
        assert 0 < recent.cooks_new < recent.cooks_signed_up, area.slug
        for p in session.scalars(select(Pairing).where(Pairing.area_id == area.id)):
            assert p.cook.created_at < p.proposed_at and p.diner.created_at < p.proposed_at
            if p.started_at is not None:
                assert p.proposed_at < p.started_at <= (p.ended_at or clock.now())
    first_meal = session.scalars(
        select(MealShare).join(Pairing).order_by(MealShare.shared_on).limit(1)
    ).one()
    assert first_meal.shared_on > first_meal.pairing.started_at.date() - timedelta(days=1)


def test_cooks_give_a_year_of_birth_from_20_to_75_or_none(areas):
    year = clock.today().year
    years = [c.birth_year for c in db.session.scalars(select(CookProfile))]
    given = [y for y in years if y is not None]
    assert len(given) > len(years) * 0.75
    assert all(20 <= year - y <= 75 for y in given)


def test_cooks_spread_over_each_districts_real_size(areas):
    """Semi-rural districts are kilometres across; inner-London ones a few hundred metres."""
    centroids = district_centroids()
    spread = {}
    for area in areas:
        cooks = db.session.scalars(select(CookProfile).where(CookProfile.area_id == area.id))
        spread[area.slug] = mean(
            km_between((c.latitude, c.longitude), centroids[c.outcode]) for c in cooks
        )
    assert spread["reigate-banstead"] > 2.5 * spread["tower-hamlets"], spread
    assert spread["tower-hamlets"] < 0.7 < 1.5 < spread["reigate-banstead"], spread


def test_each_borough_has_letters_calls_and_texts_waiting(areas):
    """People who asked for letters, calls and texts, with the at-risk reminder queued."""
    from casserole.models import ContactWay, DinerProfile, OutboundEmail, User
    from casserole.services.coordinator import messages
    from casserole.services.input_rules import is_mobile, phone_problem

    for area in areas:
        letters = messages.letters_to_print(area)
        calls = messages.calls_to_make(area)
        texts = db.session.scalars(
            select(OutboundEmail).where(
                OutboundEmail.area_id == area.id, OutboundEmail.channel == ContactWay.SMS
            )
        ).all()
        assert len(letters) >= 2 and calls and texts, area.slug
        for letter in letters:
            lines = letter.postal_address.splitlines()
            assert len(lines) >= 3 and UK_POSTCODE.fullmatch(lines[-1]), letter.postal_address
            assert "http" not in letter.text_body and "020 7946 0000" in letter.text_body
        for call in calls:
            assert call.to_phone.startswith("020 7946 0") and phone_problem(call.to_phone) is None
        for text in texts:
            assert text.to_phone.startswith("07700 900") and is_mobile(text.to_phone)
            assert "020 7946 0000" in text.text_body  # what to do: ring the coordinator
        ways = {
            *db.session.scalars(
                select(DinerProfile.preferred_contact).where(DinerProfile.area_id == area.id)
            ),
            *(
                u.preferred_contact
                for u in db.session.scalars(select(User).where(User.preferred_contact.is_not(None)))
            ),
        }
        assert {ContactWay.LETTER, ContactWay.PHONE, ContactWay.SMS} <= ways, area.slug
        # The reminder was sent as the scheduler sends it: once per quiet spell.
        reminded = db.session.scalars(
            select(Pairing).where(
                Pairing.area_id == area.id, Pairing.at_risk_notified_at.is_not(None)
            )
        ).all()
        assert {r.diner_id for r in reminded} >= {
            m.diner_id for m in [*letters, *calls] if m.diner_id
        }
