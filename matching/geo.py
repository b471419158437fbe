"""Great-circle geometry on a sphere, and the unit-vector form KD-trees need."""

from __future__ import annotations

import numpy as np

#: Mean Earth radius (IUGG) in km; the sphere all distances are measured on.
EARTH_RADIUS_KM = 6371.0088


def unit_vectors(lat_deg: np.ndarray, lon_deg: np.ndarray) -> np.ndarray:
    """Return an (n, 3) array of points on the unit sphere for latitudes/longitudes in degrees."""
    lat = np.radians(lat_deg)
    lon = np.radians(lon_deg)
    cos_lat = np.cos(lat)
    return np.column_stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)])


def chord_for_km(km: np.ndarray | float) -> np.ndarray | float:
    """Return the unit-sphere chord length spanning a great-circle distance of ``km``."""
    # Clip so that radii beyond half the circumference still mean "everywhere".
    half_angle = np.minimum(np.asarray(km, dtype=float) / (2 * EARTH_RADIUS_KM), np.pi / 2)
    return 2 * np.sin(half_angle)


def km_for_chord(chord: np.ndarray) -> np.ndarray:
    """Return the great-circle distance in km for unit-sphere chord lengths."""
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(chord / 2, 1.0))


def haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray):
    """Return great-circle distances in km between coordinate arrays in degrees (haversine)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlam = np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
