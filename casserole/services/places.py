"""Places: the configured geocoder, which live area a district belongs to, the nearest one."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from casserole.extensions import db
from casserole.geocoding import (
    Geocoder,
    GeopyGeocoder,
    Location,
    OfflineGeocoder,
    district_centroids,
    great_circle_km,
)
from casserole.models import Area, AreaDistrict


@dataclass(frozen=True)
class Placement:
    """A geocoded postcode and the live area it falls in (None: outside every area)."""

    location: Location
    area: Area | None


def geocoder() -> Geocoder:
    """The geocoder named by the GEOCODER setting."""
    name = current_app.config.get("GEOCODER", "offline")
    offline = OfflineGeocoder(db.session)
    if name == "offline":
        return offline
    if name == "nominatim":
        return GeopyGeocoder(
            user_agent=current_app.config["GEOCODER_USER_AGENT"],
            domain=current_app.config["GEOCODER_DOMAIN"],
            min_delay_seconds=current_app.config["GEOCODER_MIN_DELAY_SECONDS"],
            fallback=offline,
        )
    raise ValueError(f"GEOCODER={name!r} is not one of: offline, nominatim")


def area_for_outcode(outcode: str) -> Area | None:
    """The live area that contains a postcode district, if any."""
    return db.session.scalar(
        select(Area).join(AreaDistrict).where(AreaDistrict.outcode == outcode.upper())
    )


def place(postcode: str) -> Placement:
    """Geocode a postcode and find its area; raises PostcodeError naming a bad postcode."""
    location = geocoder().locate(postcode)
    return Placement(location, area_for_outcode(location.outcode))


def nearest_area(latitude: float, longitude: float) -> tuple[Area, float] | None:
    """The live area with a district centroid closest to a point, and that distance in km."""
    centroids = district_centroids()
    best: tuple[int, float] | None = None
    for outcode, area_id in db.session.execute(select(AreaDistrict.outcode, AreaDistrict.area_id)):
        if outcode not in centroids:
            continue
        km = great_circle_km(latitude, longitude, *centroids[outcode])
        if best is None or km < best[1]:
            best = (area_id, km)
    if best is None:
        return None
    area = db.session.get(Area, best[0])
    return (area, best[1]) if area else None
