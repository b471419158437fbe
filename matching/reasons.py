"""Reason codes explaining why a diner was left without a cook, most specific first."""

from __future__ import annotations

import numpy as np

#: No vetted cook lives within range (the smaller of the two radii).
NO_COOK_IN_RANGE = "no_cook_in_range"
#: Vetted cooks are in range, but none can cook all of the diner's needs.
NO_COOK_FOR_NEEDS = "no_cook_for_needs"
#: Cooks in range can cook the needs, but none shares a day with the diner.
NO_SHARED_DAY = "no_shared_day"
#: Every cook that would otherwise fit was excluded for this diner by a coordinator.
#: A separate code because naming any earlier filter would be false and ``cooks_full``
#: would suggest that waiting for capacity could help.
COOKS_EXCLUDED = "cooks_excluded"
#: Feasible cooks exist, but the optimal assignment (plus existing pairings) fills all of them.
COOKS_FULL = "cooks_full"

#: All codes, in the order in which the filters are applied.
REASON_CODES = (NO_COOK_IN_RANGE, NO_COOK_FOR_NEEDS, NO_SHARED_DAY, COOKS_EXCLUDED, COOKS_FULL)

REASON_SENTENCES = {
    NO_COOK_IN_RANGE: "No vetted cook within {km:g} km.",
    NO_COOK_FOR_NEEDS: "{in_range} cooks within {km:g} km, but none can cook all your needs.",
    NO_SHARED_DAY: "{fit_needs} cooks that fit your needs within {km:g} km, "
    "but none shares a day with you.",
    COOKS_EXCLUDED: "{share_day} cooks that fit your needs within {km:g} km share a day, "
    "but all are excluded for you.",
    COOKS_FULL: "{feasible} cooks that fit your needs within {km:g} km are full.",
}


def reason_codes(counts: np.ndarray) -> np.ndarray:
    """Map per-diner filter counts (columns in_range, fit_needs, share_day, feasible) to codes."""
    # The first filter that leaves zero cooks is the most specific explanation.
    stage = np.argmax(np.column_stack([counts == 0, np.ones(len(counts), bool)]), axis=1)
    return np.asarray(REASON_CODES, dtype=object)[stage]
