"""Independent brute-force feasibility and an LP optimum, for checking the matcher."""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

R = 6371.0088


def km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(math.sqrt(min(h, 1.0)))


def stages(cook, diner):
    """Which successive filters a (cook, diner) pair passes: in range, needs, day."""
    in_range = cook.vetted and km(cook.lat, cook.lon, diner.lat, diner.lon) <= min(
        cook.max_km, diner.max_km
    )
    needs = in_range and diner.needs <= cook.can_cook and diner.allergens <= cook.keeps_out
    day = needs and bool(cook.days & diner.days)
    return in_range, needs, day


def feasible_edges(cooks, diners, existing=(), excluded=()):
    taken = {p.diner_id for p in existing}
    excluded = set(excluded)
    edges = []
    for c in cooks:
        for d in diners:
            if d.id in taken or (c.id, d.id) in excluded:
                continue
            if stages(c, d)[2]:
                edges.append((c.id, d.id, km(c.lat, c.lon, d.lat, d.lon)))
    return edges


def remaining_capacity(cooks, existing=()):
    left = {c.id: c.capacity for c in cooks}
    for p in existing:
        left[p.cook_id] -= 1
    return {k: max(v, 0) for k, v in left.items()}


def lp_optimum(edges, capacity):
    """Return (max matched count, min total km at that count) via two MILPs (the LP is TU)."""
    if not edges:
        return 0, 0.0
    cook_ids = sorted({e[0] for e in edges})
    diner_ids = sorted({e[1] for e in edges})
    n = len(edges)
    a = np.zeros((len(cook_ids) + len(diner_ids), n))
    for k, (c, d, _) in enumerate(edges):
        a[cook_ids.index(c), k] = 1
        a[len(cook_ids) + diner_ids.index(d), k] = 1
    ub = np.array([capacity[c] for c in cook_ids] + [1] * len(diner_ids), float)
    cons = [LinearConstraint(a, -np.inf, ub)]
    ints, bounds = np.ones(n), Bounds(0, 1)
    first = milp(-np.ones(n), constraints=cons, integrality=ints, bounds=bounds)
    count = round(-first.fun)
    cons.append(LinearConstraint(np.ones((1, n)), count, count))
    cost = np.array([e[2] for e in edges])
    second = milp(cost, constraints=cons, integrality=ints, bounds=bounds)
    return count, float(second.fun)
