"""Distances agree with geopy: great circle to a metre, geodesic within half a percent."""

from __future__ import annotations

import numpy as np
from geopy.distance import geodesic, great_circle
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import Cook, Diner, match
from matching.geo import chord_for_km, haversine_km, km_for_chord, unit_vectors

lats = st.floats(-89.9, 89.9)
lons = st.floats(-180, 180)


@settings(max_examples=300, deadline=None)
@given(lats, lons, st.floats(-1, 1), st.floats(-1, 1), st.floats(0.0, 1.0))
def test_distance_matches_great_circle_to_a_metre(lat, lon, dlat, dlon, scale):
    # Offsets from a few metres up to ~1,000 km: the matcher's regime and well beyond it.
    lat2 = float(np.clip(lat + dlat * 10 * scale**3, -90, 90))
    lon2 = ((lon + dlon * 10 * scale**3 + 180) % 360) - 180
    expected = great_circle((lat, lon), (lat2, lon2)).km
    assert abs(float(haversine_km(lat, lon, lat2, lon2)) - expected) < 1e-3
    u = unit_vectors(np.array([lat, lat2]), np.array([lon, lon2]))
    chord = np.linalg.norm(u[0] - u[1])
    assert abs(float(km_for_chord(chord)) - expected) < 1e-3


def test_chord_round_trip():
    km = np.array([0.0, 0.001, 1.0, 3.0, 100.0, 5000.0])
    assert np.allclose(km_for_chord(chord_for_km(km)), km, atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.floats(49.9, 60.8), st.floats(-8.0, 1.7), st.floats(-0.02, 0.02), st.floats(-0.03, 0.03))
def test_matched_distance_agrees_with_geopy(lat, lon, dlat, dlon):
    c = Cook(1, lat, lon, frozenset({0}), frozenset(), max_km=10.0)
    d = Diner(2, lat + dlat, lon + dlon, frozenset({0}), max_km=10.0)
    [(_, _, km)] = match([c], [d]).pairs
    assert abs(km - great_circle((c.lat, c.lon), (d.lat, d.lon)).km) < 1e-3
    assert abs(km - geodesic((c.lat, c.lon), (d.lat, d.lon)).km) <= 0.005 * km + 1e-9
