"""Geocoding behind one small interface: postcode in, a located point with its precision out.

The offline default places a postcode at its imported full-postcode position when one is
known, else at its district centroid from the shipped table. A geopy geocoder (Nominatim)
is selected by configuration for deployments with network access.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Protocol

from geopy.distance import great_circle
from sqlalchemy import select
from sqlalchemy.orm import Session

from casserole.errors import PostcodeError
from casserole.models.records import PostcodeLocation
from casserole.models.vocab import Precision

# The Royal Mail format (outward code, space, inward code), incl. the GIR 0AA special.
_POSTCODE_RE = re.compile(
    r"^(?P<out>GIR|[A-PR-UWYZ](?:[0-9][0-9A-HJKPSTUW]?|[A-HK-Y][0-9][0-9ABEHMNPRV-Y]?))"
    r"(?P<in>[0-9][ABD-HJLNP-UW-Z]{2})$"
)
_OUTCODE_RE = re.compile(
    r"^(?:GIR|[A-PR-UWYZ](?:[0-9][0-9A-HJKPSTUW]?|[A-HK-Y][0-9][0-9ABEHMNPRV-Y]?))$"
)
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class Location:
    """A geocoded postcode."""

    postcode: str
    outcode: str
    latitude: float
    longitude: float
    precision: Precision


def normalise_postcode(raw: str) -> str:
    """Return a postcode in canonical form ("N3 1AB"), or raise PostcodeError naming it."""
    compact = re.sub(r"\s+", "", raw or "").upper()
    if not compact:
        raise PostcodeError(raw, "please enter a postcode")
    match = _POSTCODE_RE.match(compact)
    if match is None:
        raise PostcodeError(raw.strip(), "is not a valid UK postcode (for example N3 1AB)")
    return f"{match['out']} {match['in']}"


def is_outcode(raw: str) -> bool:
    """True when `raw` is a well-formed postcode district (outward code) such as "E14"."""
    return bool(_OUTCODE_RE.match(re.sub(r"\s+", "", raw or "").upper()))


@cache
def district_centroids() -> dict[str, tuple[float, float]]:
    """The shipped table of postcode-district centroids, keyed by outcode."""
    table: dict[str, tuple[float, float]] = {}
    data = resources.files("casserole") / "data" / "uk-outcodes.csv"
    with data.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            table[row["outcode"]] = (float(row["latitude"]), float(row["longitude"]))
    return table


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on the mean Earth sphere, in km (the matcher's metric)."""
    return great_circle((lat1, lon1), (lat2, lon2), radius=EARTH_RADIUS_KM).km


class Geocoder(Protocol):
    """Anything that turns a postcode into a Location."""

    def locate(self, postcode: str) -> Location:
        """Place `postcode` on the map or raise PostcodeError naming it."""
        ...


class OfflineGeocoder:
    """Imported full postcodes first, then the shipped district centroids; no network."""

    def __init__(self, session: Session | None = None) -> None:
        self._session = session

    def locate(self, postcode: str) -> Location:
        """Place `postcode` at its full-postcode position or its district centroid."""
        canonical = normalise_postcode(postcode)
        outcode = canonical.split(" ")[0]
        if self._session is not None:
            exact = self._session.execute(
                select(PostcodeLocation.latitude, PostcodeLocation.longitude).where(
                    PostcodeLocation.postcode == canonical.replace(" ", "")
                )
            ).first()
            if exact is not None:
                return Location(canonical, outcode, exact[0], exact[1], Precision.POSTCODE)
        centroid = district_centroids().get(outcode)
        if centroid is None:
            raise PostcodeError(canonical, f"we do not know where district {outcode} is")
        return Location(canonical, outcode, centroid[0], centroid[1], Precision.DISTRICT)


class GeopyGeocoder:
    """An online geopy geocoder (Nominatim by default), rate-limited, with offline fallback."""

    def __init__(
        self,
        user_agent: str,
        domain: str = "nominatim.openstreetmap.org",
        min_delay_seconds: float = 1.0,
        fallback: Geocoder | None = None,
    ) -> None:
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import Nominatim

        self._geocoder = Nominatim(user_agent=user_agent, domain=domain, timeout=5)
        # Nominatim's usage policy allows one request a second; RateLimiter keeps to it.
        self._geocode = RateLimiter(
            self._geocoder.geocode, min_delay_seconds=min_delay_seconds, max_retries=2
        )
        self._fallback = fallback or OfflineGeocoder()

    def locate(self, postcode: str) -> Location:
        """Ask the online service; fall back to the offline table when it has no answer."""
        from geopy.exc import GeopyError

        canonical = normalise_postcode(postcode)
        try:
            found = self._geocode(
                {"postalcode": canonical, "country": "United Kingdom"}, exactly_one=True
            )
        except GeopyError:
            found = None
        if found is None:
            return self._fallback.locate(canonical)
        return Location(
            canonical,
            canonical.split(" ")[0],
            found.latitude,
            found.longitude,
            Precision.POSTCODE,
        )
