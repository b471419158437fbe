"""Every form endpoint fuzzed: no 500s and no half-written records, whatever is posted.

Bounded in the normal suite; CI's long mode sets CASSEROLE_FUZZ_EXAMPLES higher.
"""

from __future__ import annotations

import hashlib
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from casserole.extensions import db
from tests.support.access_table import TABLE, build_world, url_for_rule
from tests.support.app import make_test_app
from tests.support.auth import ClientAuth

EXAMPLES = int(os.environ.get("CASSEROLE_FUZZ_EXAMPLES", "20"))
FIELD_POOL = [
    "csrf_token",
    "email",
    "password",
    "password_confirm",
    "new_email",
    "remember",
    "confirm",
    "reason",
    "note",
    "dish",
    "shared_on",
    "allergen_note",
    "rating",
    "comment",
    "diner_id",
    "pairing_id",
    "cook_id",
    "cook_number",
    "kind",
    "checked_on",
    "expires_on",
    "reference",
    "approve_all",
    "postcode",
    "address_line",
    "first_name",
    "last_name",
    "phone",
    "capacity",
    "max_miles",
    "days",
    "can_cook",
    "introduction",
    "relationship",
    "consent",
    "needs",
    "allergies",
    "likes",
    "dislikes",
    "access_notes",
    "contact_preference",
    "submit",
    "override_reason",
    "birth_date",
    "action",
    "first_day",
    "last_day",
    "allergens",
    "keeps_out",
    "radius_miles",
]
# Odd but valid numbers and dates: other digits, superscripts, full-width digits, values
# beyond the database's integer range, negative zero, impossible and far-away dates.
NUMERIC_EDGES = [
    "١٢",
    "²",
    "９",
    "-0",
    "1e309",
    str(2**31),
    str(2**63),
    "9" * 30,
    "0001-01-01",
    "10000-01-01",
    "2025-02-30",
]
NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "NaN",
    "inf",
    "9" * 60,
    "2026-02-30",
    "1900-01-01",
    "9999-12-31",
    "😀" * 20,
    "\x00",
    "a\u202eb",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "N3 1AB",
    "ZZ99 9ZZ",
    "x@example.org",
    "on",
    "y",
    "true",
    *NUMERIC_EDGES,
]
# Text the test client can send (no lone surrogates); bytes that are not UTF-8 go in raw.
TEXT = st.characters(codec="utf-8")
VALUES = st.one_of(
    st.sampled_from(NASTY),
    st.text(TEXT, max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.dates().map(str),
    st.builds(lambda c, n: c * n, TEXT, st.integers(min_value=1000, max_value=20000)),
)
# Audit events record views and attempts, which are not partial writes of the record.
SKIP_TABLES = {"audit_events"}


def _post_rules(app):
    rules = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or (rule.endpoint, rule.rule) not in TABLE:
            continue
        allowed = TABLE[(rule.endpoint, rule.rule)].own
        for role in ("paired_cook", "carer", "coord_same", "diner", "cook", "admin", "anon"):
            if role in allowed:
                rules.append(
                    pytest.param(rule.endpoint, rule.rule, role, id=f"{rule.endpoint}-{role}")
                )
                break
    return rules


def _fingerprint() -> dict[str, str]:
    db.session.expire_all()
    out = {}
    for table in db.metadata.sorted_tables:
        if table.name in SKIP_TABLES:
            continue
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        out[table.name] = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
    return out


def pytest_generate_tests(metafunc):
    if "fuzz_target" in metafunc.fixturenames:
        probe = make_test_app("sqlite://")
        metafunc.parametrize(
            "fuzz_target",
            [p.values for p in _post_rules(probe)],
            ids=[p.id for p in _post_rules(probe)],
        )


def test_form_endpoint_survives_fuzzing(app, client, auth, fuzz_target):
    endpoint, rule, role = fuzz_target
    world = build_world()
    if role != "anon":
        auth.login(world.emails[role])
    url = url_for_rule(rule, world.params["own"])
    names = list(FIELD_POOL)
    if "GET" in next(r for r in app.url_map.iter_rules() if r.rule == rule).methods:
        page = client.get(url)
        names += re.findall(r'name="([^"]+)"', page.get_data(as_text=True))
        page.close()
    keys = st.one_of(st.sampled_from(sorted(set(names))), st.text(TEXT, min_size=1, max_size=12))

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        fields=st.dictionaries(keys, VALUES, max_size=10), raw=st.none() | st.binary(max_size=300)
    )
    def post(fields, raw):
        before = _fingerprint()
        if raw is not None:
            # Bytes that are not UTF-8, as a form body.
            response = client.post(
                url, data=b"\xff\xfe" + raw, content_type="application/x-www-form-urlencoded"
            )
        else:
            response = client.post(url, data=fields)
        status = response.status_code
        response.close()
        assert status < 500, f"{endpoint} answered {status} to {fields!r}"
        if status >= 400:
            assert _fingerprint() == before, (
                f"{endpoint} wrote something before refusing ({status})"
            )

    post()


def test_each_field_survives_numeric_edges(app, client, fuzz_target):
    """Every field of the form, one at a time, given each edge value while the rest say "1"."""
    endpoint, rule, role = fuzz_target
    world = build_world()
    if role != "anon":
        ClientAuth(client).login(world.emails[role])
    url = url_for_rule(rule, world.params["own"])
    if "GET" not in next(r for r in app.url_map.iter_rules() if r.rule == rule).methods:
        names = ["diner_id", "pairing_id", "cook_id", "reason", "confirm"]
    else:
        page = client.get(url)
        names = sorted(set(re.findall(r'name="([^"]+)"', page.get_data(as_text=True))))
        page.close()
    failures = []
    for name in names:
        for value in NUMERIC_EDGES:
            data = {**{n: "1" for n in names}, name: value}
            try:
                response = client.post(url, data=data)
            except Exception as err:  # noqa: BLE001 - under TESTING an unhandled error is raised
                db.session.rollback()
                failures.append(f"{endpoint} {name}={value!r}: {type(err).__name__}: {err}")
                continue
            response.close()
            if response.status_code >= 500:
                failures.append(f"{endpoint} {name}={value!r}: {response.status_code}")
    assert failures == [], "\n".join(failures[:20])
