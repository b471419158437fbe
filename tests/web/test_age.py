"""One age rule for a diner's page and the anonymised export's age band."""

from __future__ import annotations

from datetime import date

from casserole.models.people import age_on
from casserole.services.exports import _age_band

BORN = date(1940, 6, 15)


def test_age_turns_over_on_the_birthday_itself():
    assert age_on(BORN, date(2020, 6, 14)) == 79
    assert age_on(BORN, date(2020, 6, 15)) == 80
    assert age_on(None, date(2020, 6, 15)) is None


def test_the_export_band_follows_the_same_rule():
    assert _age_band(BORN, date(2020, 6, 14)) == "under 80"
    assert _age_band(BORN, date(2020, 6, 15)) == "80 or over"
    assert _age_band(None, date(2020, 6, 15)) == "unknown"
