"""Places: the configured geocoder, which live area a postcode falls in, the nearest one, moves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select

from casserole.errors import PostcodeError
from casserole.extensions import db
from casserole.geocoding import (
    Geocoder,
    GeopyGeocoder,
    Location,
    OfflineGeocoder,
    district_centroids,
    great_circle_km,
    normalise_postcode,
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


def locate(postcode: str, problems: dict[str, str]) -> Placement | None:
    """Geocode a postcode, adding a plain message to `problems` when it is malformed or unknown."""
    try:
        canonical = normalise_postcode(postcode)
    except PostcodeError:
        problems["postcode"] = (
            gettext("Enter a full UK postcode, like N3 1AB.")
            if postcode.strip()
            else gettext("Enter a postcode.")
        )
        return None
    try:
        return place(canonical)
    except PostcodeError:
        problems["postcode"] = gettext(
            "We could not find the postcode %(postcode)s. Check it and try again.",
            postcode=canonical,
        )
        return None


def location_fields(placement: Placement) -> dict[str, Any]:
    """The columns a placement sets on a cook or a diner (where they are, and their area)."""
    location = placement.location
    return {
        "postcode": location.postcode,
        "outcode": location.outcode,
        "latitude": location.latitude,
        "longitude": location.longitude,
        "geo_precision": location.precision,
        "area": placement.area,
    }


def moved_to(person: Any, postcode: str, problems: dict[str, str]) -> Placement | None:
    """The new placement when the postcode changed; a move outside every area is refused."""
    if postcode.replace(" ", "").upper() == person.postcode.replace(" ", ""):
        return None
    placement = locate(postcode, problems)
    if placement is not None and placement.area is None:
        problems["postcode"] = gettext(
            "We do not run in %(outcode)s yet, so we cannot move you there. "
            "Please contact your coordinator.",
            outcode=placement.location.outcode,
        )
        return None
    return placement


def apply_placement(person: Any, placement: Placement | None) -> None:
    """Move a cook or a diner to a new placement (nothing when there is none)."""
    if placement is None:
        return
    for name, value in location_fields(placement).items():
        setattr(person, name, value)
