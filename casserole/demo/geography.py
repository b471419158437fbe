"""Where demo households are: scattered over each district by its real size."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from functools import cache

from casserole.geocoding import district_centroids

EARTH_RADIUS_KM = 6371.0088
# Letters allowed in the inward code of a UK postcode.
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
Point = tuple[float, float]


@cache
def district_radius_km(outcode: str) -> float:
    """Half the typical spacing of the district's centroid from its neighbours' centroids.

    The median of the three nearest neighbours, so that a twin centroid (N14 has one 70 m
    away) does not make a district look tiny: about 0.4 km in Whitechapel, 3.5 km in Reigate.
    """
    table = district_centroids()
    lat, lon = table[outcode]
    # A cheap box first: neighbours further than about 30 km never matter.
    near = sorted(
        km_between((lat, lon), (la, lo))
        for code, (la, lo) in table.items()
        if code != outcode and abs(la - lat) < 0.3 and abs(lo - lon) < 0.5
    )
    spacing = near[1] if len(near) >= 3 else (near[0] if near else 4.0)
    return max(0.3, spacing / 2)


def km_between(a: Point, b: Point) -> float:
    """Great-circle distance in km on the mean Earth sphere (haversine; quick for searches)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def offset(point: Point, km: float, bearing: float) -> Point:
    """The point `km` away from `point` on `bearing` (radians), on the mean Earth sphere."""
    lat1, lon1 = math.radians(point[0]), math.radians(point[1])
    d = km / EARTH_RADIUS_KM
    lat2 = math.asin(
        math.sin(lat1) * math.cos(d) + math.cos(lat1) * math.sin(d) * math.cos(bearing)
    )
    lon2 = lon1 + math.atan2(
        math.sin(bearing) * math.sin(d) * math.cos(lat1),
        math.cos(d) - math.sin(lat1) * math.sin(lat2),
    )
    return round(math.degrees(lat2), 6), round(math.degrees(lon2), 6)


def scatter(rng: random.Random, outcode: str) -> Point:
    """A household anywhere in the district: uniform over a disc of the district's radius."""
    radius = district_radius_km(outcode)
    km = radius * math.sqrt(rng.random())
    return offset(district_centroids()[outcode], km, rng.uniform(0, 2 * math.pi))


def nearest_outcode(point: Point, outcodes: Sequence[str]) -> str:
    """The district (of `outcodes`) whose centroid is nearest to `point`."""
    table = district_centroids()
    return min(outcodes, key=lambda o: km_between(point, table[o]))


def postcode(rng: random.Random, outcode: str) -> str:
    """A well-formed (fictitious) full postcode in a district."""
    return (
        f"{outcode} {rng.randint(1, 9)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
    )
