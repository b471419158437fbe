"""Which of a diner's allergens a logged meal contained: the one rule for alerts and pages."""

from __future__ import annotations

from datetime import timedelta

from casserole import clock
from casserole.models import MealShare, Pairing
from casserole.models.vocab import allergen_names, mask_to_allergens


def allergen_clash(meal: MealShare, pairing: Pairing) -> list[str]:
    """The diner's allergens this meal contained, in plain English (empty when none)."""
    return allergen_names(mask_to_allergens(meal.allergen_mask & pairing.diner.allergen_mask))


def allergen_alerts(pairing: Pairing) -> list[tuple[MealShare, list[str]]]:
    """Every meal of the pairing that contained one of the diner's allergens, newest first."""
    found = [(m, allergen_clash(m, pairing)) for m in pairing.meals]
    return sorted(((m, c) for m, c in found if c), key=lambda mc: mc[0].shared_on, reverse=True)


# How long a meal that contained the diner's allergen stays on the diner side's home page.
RECENT_ALERT_DAYS = 14


def recent_allergen_alerts(pairing: Pairing) -> list[tuple[MealShare, list[str]]]:
    """The pairing's allergen alerts from the last two weeks (the diner side's home page)."""
    since = clock.today() - timedelta(days=RECENT_ALERT_DAYS)
    return [(m, c) for m, c in allergen_alerts(pairing) if m.shared_on >= since]
