"""A town-sized synthetic instance: same objective as OR-Tools' min-cost flow."""

from __future__ import annotations

import numpy as np
import pytest

from matching import match
from matching.synth import SCALES, generate
from tests.support.requirements import require_module


@pytest.mark.slow
def test_town_scale_objective_matches_reference():
    require_module("ortools", "as the reference solver for the town-scale objective")
    from matching.bench import reference_objective

    cooks, diners = generate(SCALES["town"], seed=1)
    result = match(cooks, diners)
    count, total = reference_objective(cooks, diners)
    assert len(result.pairs) == count
    assert abs(sum(p[2] for p in result.pairs) - total) < 1e-3
    assert len(result.pairs) + len(result.unmatched) == len(diners)
    assert np.all(np.array([p[2] for p in result.pairs]) >= 0)
