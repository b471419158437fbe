"""Synthetic but plausible instances clustered around real UK postcode-district centroids."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from matching.model import Cook, Diner

#: The shipped centroid table; read as data by path, never imported from the app package.
OUTCODES_CSV = Path(__file__).resolve().parent.parent / "casserole" / "data" / "uk-outcodes.csv"

#: Dietary vocabulary with how likely a cook is to manage each (rarer needs are harder to meet).
NEEDS = {
    "vegetarian": 0.6,
    "soft_food": 0.5,
    "low_salt": 0.5,
    "diabetic": 0.35,
    "gluten_free": 0.3,
    "halal": 0.15,
    "kosher": 0.05,
}

#: A few allergens with how likely a cook can reliably keep each out of a meal.
ALLERGENS = {"peanuts": 0.7, "tree_nuts": 0.6, "milk": 0.4, "gluten": 0.3, "eggs": 0.4}


@dataclass(frozen=True)
class Scale:
    """One benchmark size: how many people, and around how many districts they cluster."""

    name: str
    n_cooks: int
    n_diners: int
    anchor: str | None  # centre district; None means the whole country
    n_districts: int | None  # nearest districts to the anchor; None means all
    radius_scale: float = 1.0  # multiplies every travel radius: larger means a denser graph


SCALES = {
    "town": Scale("town", 2_000, 10_000, "CB2", 25),
    "city": Scale("city", 10_000, 50_000, "M1", 250),
    "country": Scale("country", 200_000, 1_000_000, None, None),
    # The country again with 1.4x the radii: about twice the feasible edges, for memory growth.
    "dense": Scale("dense", 200_000, 1_000_000, None, None, 1.4),
}


def load_outcodes(path: Path = OUTCODES_CSV) -> tuple[list[str], np.ndarray]:
    """Return district codes and an (n, 2) array of their latitude/longitude centroids."""
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    codes = [r["outcode"] for r in rows]
    latlon = np.array([[float(r["latitude"]), float(r["longitude"])] for r in rows])
    return codes, latlon


def _districts(scale: Scale) -> np.ndarray:
    codes, latlon = load_outcodes()
    if scale.anchor is None:
        return latlon
    a = latlon[codes.index(scale.anchor)]
    # Equirectangular is plenty to pick the nearest few dozen districts.
    d2 = (latlon[:, 0] - a[0]) ** 2 + ((latlon[:, 1] - a[1]) * np.cos(np.radians(a[0]))) ** 2
    return latlon[np.argsort(d2, kind="stable")[: scale.n_districts]]


def _positions(rng: np.random.Generator, centres: np.ndarray, n: int, sigma_km: float):
    pick = centres[rng.integers(len(centres), size=n)]
    dlat = rng.normal(0, sigma_km, n) / 111.2
    dlon = rng.normal(0, sigma_km, n) / (111.2 * np.cos(np.radians(pick[:, 0])))
    return pick[:, 0] + dlat, pick[:, 1] + dlon


def _day_masks(rng: np.random.Generator, n: int, lo: int, hi: int) -> np.ndarray:
    k = rng.integers(lo, hi + 1, size=n)
    order = np.argsort(rng.random((n, 7)), axis=1)
    chosen = order < k[:, None]  # the first k of a random permutation of days
    return (chosen * (1 << np.arange(7))).sum(axis=1)


def generate(scale: Scale, seed: int = 0) -> tuple[list[Cook], list[Diner]]:
    """Return cooks and diners for a scale; the same seed always gives the same instance."""
    rng = np.random.default_rng(seed)
    centres = _districts(scale)
    day_sets = [frozenset(d for d in range(7) if m >> d & 1) for m in range(128)]
    names = list(NEEDS)
    need_sets: dict[int, frozenset[str]] = {}

    def need_set(mask: int) -> frozenset[str]:
        if mask not in need_sets:
            need_sets[mask] = frozenset(n for i, n in enumerate(names) if mask >> i & 1)
        return need_sets[mask]

    nc, nd = scale.n_cooks, scale.n_diners
    # Allergens draw from their own stream so every other column stays as it always was.
    arng = np.random.default_rng([seed, 14])
    anames = list(ALLERGENS)
    allergen_sets: dict[int, frozenset[str]] = {}

    def allergen_set(mask: int) -> frozenset[str]:
        if mask not in allergen_sets:
            allergen_sets[mask] = frozenset(n for i, n in enumerate(anames) if mask >> i & 1)
        return allergen_sets[mask]

    ckeep = (arng.random((nc, len(anames))) < np.array(list(ALLERGENS.values()))) @ (
        1 << np.arange(len(anames))
    )
    # About 8 % of diners have one allergen.
    dall = np.where(arng.random(nd) < 0.08, 1 << arng.integers(len(anames), size=nd), 0)
    clat, clon = _positions(rng, centres, nc, 3.0)
    cdays = _day_masks(rng, nc, 2, 4)
    ccan = (rng.random((nc, len(names))) < np.array(list(NEEDS.values()))) @ (
        1 << np.arange(len(names))
    )
    ccap = rng.integers(1, 4, size=nc)
    ckm = rng.choice([1.0, 1.5, 2.0, 3.0], size=nc, p=[0.3, 0.3, 0.2, 0.2]) * scale.radius_scale
    cvet = rng.random(nc) < 0.9
    cooks = [
        Cook(
            int(i),
            float(a),
            float(b),
            day_sets[d],
            need_set(int(m)),
            int(c),
            float(k),
            bool(v),
            allergen_set(int(o)),
        )
        for i, a, b, d, m, c, k, v, o in zip(
            range(1, nc + 1), clat, clon, cdays, ccan, ccap, ckm, cvet, ckeep, strict=True
        )
    ]
    dlat, dlon = _positions(rng, centres, nd, 3.0)
    ddays = _day_masks(rng, nd, 2, 4)
    # About 30 % of diners have needs: mostly one, sometimes two.
    has = rng.random(nd) < 0.3
    first = rng.integers(len(names), size=nd)
    second = np.where(rng.random(nd) < 0.25, rng.integers(len(names), size=nd), first)
    dneeds = np.where(has, (1 << first) | (1 << second), 0)
    dkm = rng.choice([1.5, 2.0, 3.0], size=nd) * scale.radius_scale
    diners = [
        Diner(
            int(i),
            float(a),
            float(b),
            day_sets[d],
            need_set(int(m)),
            float(k),
            allergen_set(int(x)),
        )
        for i, a, b, d, m, k, x in zip(
            range(1, nd + 1), dlat, dlon, ddays, dneeds, dkm, dall, strict=True
        )
    ]
    # Shuffle so nothing downstream can rely on id order.
    perm_c, perm_d = rng.permutation(nc), rng.permutation(nd)
    return [cooks[i] for i in perm_c], [diners[i] for i in perm_d]
