"""Geocoding: postcodes normalised, placed with their precision, and refused clearly."""

from __future__ import annotations

import pytest
from geopy.distance import great_circle

from casserole.errors import PostcodeError
from casserole.geocoding import (
    GeopyGeocoder,
    OfflineGeocoder,
    district_centroids,
    great_circle_km,
    normalise_postcode,
)
from casserole.models import PostcodeLocation, Precision
from casserole.services import places
from casserole.services.postcodes import import_postcodes
from tests.support import factories as f


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("n31ab", "N3 1AB"),
        ("  sw1a 1aa ", "SW1A 1AA"),
        ("E1W 1AA", "E1W 1AA"),
        ("RH2\t9AB", "RH2 9AB"),
        ("EC1A1BB", "EC1A 1BB"),
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_normalises_well_formed_postcodes(raw, canonical):
    assert normalise_postcode(raw) == canonical


@pytest.mark.parametrize(
    "raw", ["", "hello", "N3", "123 456", "N3 1A", "QQ1 1AA", "N3 1AB X", "💥"]
)
def test_malformed_postcodes_are_named_in_the_error(raw):
    with pytest.raises(PostcodeError) as info:
        normalise_postcode(raw)
    # The postcode as typed is named; an empty one is asked for instead.
    assert (raw.strip() or "please enter a postcode") in str(info.value)


def test_shipped_table_has_every_district():
    table = district_centroids()
    assert len(table) == 2973
    for outcode in ("N3", "E14", "RH2", "E1W", "KT20", "SM7"):
        assert outcode in table


def test_offline_geocoder_uses_district_centroid_without_a_session():
    loc = OfflineGeocoder().locate("n3 1ab")
    assert (loc.postcode, loc.outcode, loc.precision) == ("N3 1AB", "N3", Precision.DISTRICT)
    assert (loc.latitude, loc.longitude) == district_centroids()["N3"]


def test_unknown_district_is_named():
    with pytest.raises(PostcodeError, match="AB99"):
        OfflineGeocoder().locate("AB99 1AA")


def test_imported_postcode_wins_with_postcode_precision(database, tmp_path):
    path = tmp_path / "onspd.csv"
    path.write_text(
        "pcd,pcds,lat,long,oseast1m\n"
        "N3  1AB,N3 1AB,51.601234,-0.191234,525000\n"
        "N3  9ZZ,N3 9ZZ,99.999999,0.000000,\n"
        "BAD,NOT A POSTCODE,51.0,0.1,1\n"
    )
    summary = import_postcodes(path)
    assert (summary.imported, summary.skipped, summary.layout) == (1, 2, "ONSPD")
    loc = OfflineGeocoder(database.session).locate("N3 1AB")
    assert loc.precision == Precision.POSTCODE
    assert (loc.latitude, loc.longitude) == (51.601234, -0.191234)
    # Importing again updates in place rather than failing on the primary key.
    path.write_text("pcds,lat,long\nN3 1AB,51.6,-0.19\n")
    import_postcodes(path)
    assert database.session.get(PostcodeLocation, "N31AB").latitude == 51.6
    assert OfflineGeocoder(database.session).locate("N3 2XY").precision == Precision.DISTRICT


def test_codepoint_open_layout_is_converted_from_the_national_grid(database, tmp_path):
    # Trafalgar Square is near easting 530000, northing 180400 (OSGB36).
    path = tmp_path / "codepoint.csv"
    path.write_text(
        '"WC2N 5DN",10,530000,180400,"E92000001","","E19000003","E18000007","E09000033","E05000644"\n'
    )
    summary = import_postcodes(path)
    assert (summary.imported, summary.layout) == (1, "Code-Point Open")
    row = database.session.get(PostcodeLocation, "WC2N5DN")
    assert great_circle((row.latitude, row.longitude), (51.5080, -0.1281)).km < 0.2


def test_import_command_prints_a_summary(app, database, tmp_path):
    path = tmp_path / "onspd.csv"
    path.write_text("pcds,lat,long\nE14 5AB,51.5,-0.02\nE14 5AD,51.51,-0.021\n")
    result = app.test_cli_runner().invoke(args=["import-postcodes", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 2 postcodes (ONSPD layout), skipped 0 rows" in result.output


def test_geocode_command_names_a_bad_postcode(app, database):
    result = app.test_cli_runner().invoke(args=["geocode", "ZZ1 1ZZ"])
    assert result.exit_code == 1
    assert "ZZ1 1ZZ" in result.output


def test_place_finds_the_live_area(database):
    f.area("Barnet", ("N3",))
    assert places.place("N3 1AB").area.name == "Barnet"
    assert places.place("M1 1AA").area is None
    nearest, km = places.nearest_area(*district_centroids()["N12"])
    assert nearest.name == "Barnet" and 0 < km < 5


def test_nominatim_is_selected_by_configuration(app, database, monkeypatch):
    monkeypatch.setitem(app.config, "GEOCODER", "nominatim")
    assert isinstance(places.geocoder(), GeopyGeocoder)
    monkeypatch.setitem(app.config, "GEOCODER", "carrier-pigeon")
    with pytest.raises(ValueError, match="carrier-pigeon"):
        places.geocoder()


def test_geopy_geocoder_falls_back_offline_when_the_service_fails(monkeypatch):
    from geopy.exc import GeocoderUnavailable

    geocoder = GeopyGeocoder(user_agent="casserole-tests", min_delay_seconds=0)

    def unavailable(*args, **kwargs):
        raise GeocoderUnavailable("no network in tests")

    monkeypatch.setattr(geocoder, "_geocode", unavailable)
    loc = geocoder.locate("E14 5AB")
    assert loc.precision == Precision.DISTRICT and loc.outcode == "E14"


def test_great_circle_matches_geopy():
    a, b = (51.6003, -0.1930), (51.5074, -0.1278)
    assert great_circle_km(*a, *b) == pytest.approx(
        great_circle(a, b, radius=6371.0088).km, abs=1e-6
    )
