"""One clock: at 00:30 BST (23:30 UTC the day before) the app's "today" is the UK date."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from casserole import clock
from casserole.models import MealShare
from casserole.pairings.forms import MealForm
from casserole.services import pairings
from tests.support import factories as f

# 00:30 on Monday 15 June 2026 in London is 23:30 on Sunday 14 June in UTC.
LATE_UTC = datetime(2026, 6, 14, 23, 30, tzinfo=UTC)
UK_DAY = date(2026, 6, 15)


@pytest.fixture
def half_past_midnight_bst(monkeypatch):
    """Stop the clock at 00:30 BST for everything that asks `casserole.clock`."""
    monkeypatch.setattr(clock, "now", lambda: LATE_UTC)
    return LATE_UTC


def test_today_is_the_uk_date_not_the_utc_date(half_past_midnight_bst):
    assert clock.now().date() == date(2026, 6, 14)
    assert clock.today() == UK_DAY


def test_in_winter_the_uk_date_and_the_utc_date_agree(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 1, 14, 23, 30, tzinfo=UTC))
    assert clock.today() == date(2026, 1, 14)


def test_the_meal_form_offers_the_uk_date(app, half_past_midnight_bst):
    with app.test_request_context("/"):
        assert MealForm().shared_on.data == UK_DAY


def test_a_meal_on_the_uk_date_is_not_refused_as_in_the_future(database, half_past_midnight_bst):
    """Just after midnight in London it is already the next day for the cook and the diner."""
    area = f.area()
    cook = f.cook(area)
    pairing = f.pairing(cook, f.diner(area), started_at=datetime(2026, 6, 1, 9, tzinfo=UTC))
    meal = pairings.log_meal(pairing.id, cook.user, UK_DAY, "Shepherd's pie")
    assert database.session.get(MealShare, meal.id).shared_on == UK_DAY
    with pytest.raises(pairings.PairingError, match="future"):
        pairings.log_meal(pairing.id, cook.user, date(2026, 6, 16), "Fish pie")
