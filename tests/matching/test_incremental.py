"""Calls that reuse the previous call's work give exactly the answer of a fresh run."""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import Pairing, incremental, match
from matching.synth import Scale, generate

SMALL = Scale("small", 40, 160, "CB2", 3)


def fresh(cooks, diners, existing, excluded):
    """A run with nothing remembered; the cache is then left holding this very run."""
    incremental.clear()
    return match(cooks, diners, existing, excluded=excluded)


def same(a, b, diners):
    assert a.pairs == b.pairs
    assert a.unmatched == b.unmatched
    for d in diners:
        assert a.counts(d.id) == b.counts(d.id)


def step(rnd: random.Random, cooks, diners, existing, excluded, spare):
    """Apply one random change of the kinds the app makes between two runs."""
    kind = rnd.choice(
        [
            "diner",
            "diner",
            "cook",
            "cook",
            "drop_diner",
            "drop_cook",
            "capacity",
            "pair",
            "unpair",
            "exclude",
            "need",
            "allergen",
        ]
    )
    spare_cooks, spare_diners, next_id = spare
    if kind == "diner" and spare_diners:
        diners.append(dataclasses.replace(spare_diners.pop(), id=next_id[0]))
    elif kind == "cook" and spare_cooks:
        cooks.append(dataclasses.replace(spare_cooks.pop(), id=next_id[0]))
    elif kind == "drop_diner" and diners:
        gone = diners.pop(rnd.randrange(len(diners)))
        existing[:] = [p for p in existing if p.diner_id != gone.id]
    elif kind == "drop_cook" and cooks:
        gone = cooks.pop(rnd.randrange(len(cooks)))
        existing[:] = [p for p in existing if p.cook_id != gone.id]
    elif kind == "capacity" and cooks:
        k = rnd.randrange(len(cooks))
        cooks[k] = dataclasses.replace(cooks[k], capacity=rnd.randint(0, 3))
    elif kind == "pair":
        r = match(cooks, diners, existing, excluded=excluded)
        existing.extend(Pairing(c, d) for c, d, _ in r.pairs[: rnd.randint(1, 5)])
    elif kind == "unpair" and existing:
        existing.pop(rnd.randrange(len(existing)))
    elif kind == "exclude" and cooks and diners:
        excluded.append((rnd.choice(cooks).id, rnd.choice(diners).id))
    elif kind == "need" and diners:
        k = rnd.randrange(len(diners))
        diners[k] = dataclasses.replace(diners[k], needs=frozenset({f"rare{next_id[0]}"}))
    elif kind == "allergen" and diners:
        k = rnd.randrange(len(diners))
        diners[k] = dataclasses.replace(diners[k], allergens=frozenset({f"rare{next_id[0]}"}))
    next_id[0] += 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1))
def test_reused_work_gives_the_fresh_answer(seed):
    rnd = random.Random(seed)
    cooks, diners = generate(SMALL, seed % 1000)
    spare_cooks, spare_diners = generate(SMALL, seed % 1000 + 1)
    spare = (spare_cooks[:10], spare_diners[:20], [10_000])
    existing: list[Pairing] = []
    excluded: list[tuple[int, int]] = []
    fresh(cooks, diners, existing, excluded)
    for _ in range(10):
        step(rnd, cooks, diners, existing, excluded, spare)
        reused = match(cooks, diners, existing, excluded=excluded)
        same(reused, fresh(cooks, diners, existing, excluded), diners)


@pytest.fixture
def searched(monkeypatch):
    """Record how many diners and cooks each candidate search covers."""
    calls = []
    real = incremental.find_candidates

    def spy(cp, dp, active, excluded, workers=2, cook_sel=None):
        n_cooks = int(np.count_nonzero(cp.vetted)) if cook_sel is None else len(cook_sel)
        calls.append((int(np.count_nonzero(active)), n_cooks))
        return real(cp, dp, active, excluded, workers, cook_sel)

    monkeypatch.setattr(incremental, "find_candidates", spy)
    return calls


def test_one_arrival_searches_only_around_the_newcomer(searched):
    cooks, diners = generate(SMALL, 3)
    extra_cooks, extra_diners = generate(SMALL, 4)
    base = fresh(cooks, diners, [], [])
    existing = [Pairing(c, d) for c, d, _ in base.pairs]
    match(cooks, diners, existing)  # pairings recorded: fewer active diners, no search
    searched.clear()
    newcomer = dataclasses.replace(extra_diners[0], id=99_999)
    with_diner = match(cooks, [*diners, newcomer], existing)
    assert searched == [(1, sum(c.vetted for c in cooks))]
    searched.clear()
    new_cook = dataclasses.replace(extra_cooks[0], id=99_999, vetted=True)
    with_cook = match([*cooks, new_cook], [*diners, newcomer], existing)
    active = len(diners) + 1 - len(existing)
    assert searched == [(active, 1)]
    same(with_diner, fresh(cooks, [*diners, newcomer], existing, []), diners)
    same(with_cook, fresh([*cooks, new_cook], [*diners, newcomer], existing, []), diners)


def test_a_cook_who_leaves_is_searched_alone(searched):
    cooks, diners = generate(SMALL, 5)
    fresh(cooks, diners, [], [])
    searched.clear()
    vetted = [c for c in cooks if c.vetted]
    rest = [c for c in cooks if c is not vetted[0]]
    left = match(rest, diners)
    assert searched == [(len(diners), 1)]
    same(left, fresh(rest, diners, [], []), diners)


def test_direct_comparison_finds_what_the_trees_find(monkeypatch):
    from matching import candidates

    cooks, diners = generate(SMALL, 7)
    incremental.clear()
    monkeypatch.setattr(candidates, "DIRECT_PAIRS", 0)
    trees = match(cooks, diners)
    incremental.clear()
    monkeypatch.setattr(candidates, "DIRECT_PAIRS", 10**9)
    direct = match(cooks, diners)
    same(trees, direct, diners)
    assert trees.pairs
