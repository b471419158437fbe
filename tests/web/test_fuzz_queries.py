"""Every route fuzzed through its URL: query parameters and path ids, as each role that may use it.

Odd but valid text ("١٢", "²", "９", "1e309", "-0", a 40-digit number), impossible or far
dates (2025-02-30, year 0, 9999, 10000) and ids beyond the database's integer range must
give a 4xx with a reason, never a 5xx, on SQLite and PostgreSQL alike. The query names
are the ones each view asks request.args for (recorded on a first visit, whether read
directly, through casserole.params or through a form), so a new parameter is fuzzed
without editing this file. CI's long mode sets CASSEROLE_FUZZ_EXAMPLES higher.
"""

from __future__ import annotations

import itertools
import os

import pytest
from flask import Request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict

from tests.support.access_table import ROLES, TABLE, build_world
from tests.support.access_table import url_for_rule as _url
from tests.support.auth import ClientAuth

EXAMPLES = int(os.environ.get("CASSEROLE_FUZZ_EXAMPLES", "20"))
ODD = [
    "",
    " ",
    "0",
    "-0",
    "-1",
    "+1",
    "1.0",
    "1e309",
    "NaN",
    "inf",
    "١٢",
    "²",
    "９",
    "Ⅻ",
    "9" * 40,
    str(2**31),
    str(2**63),
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2025-02-30",
    "2025-13-01",
    "٢٠٢٥-٠١-٠١",
    "2025-1-1",
    "custom",
    "12m",
    "all",
    "\x00",
    "a\u202eb",
    "😀",
]
# Values tried in every combination on views that read several parameters (a period needs
# "custom" and two dates before its dates are used at all).
EDGE = ["", "custom", "²", "9" * 40, "0001-01-01", "1990-01-01", "9999-12-31", "2025-02-30"]
VALUES = st.one_of(
    st.sampled_from(ODD),
    st.text(st.characters(codec="utf-8"), max_size=20),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(str),
)
PATH_IDS = st.one_of(
    st.sampled_from([v for v in ODD if v and "/" not in v and "\x00" not in v]),
    st.integers(min_value=0, max_value=10**25).map(str),
)


class RecordingArgs(ImmutableMultiDict):
    """request.args that notes every name a view asks about."""

    asked: set[str] = set()

    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's signature
        RecordingArgs.asked.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        RecordingArgs.asked.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        RecordingArgs.asked.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        RecordingArgs.asked.add(key)
        return super().__contains__(key)


class RecordingRequest(Request):
    """A request whose query string records the names the view reads."""

    parameter_storage_class = RecordingArgs


@pytest.fixture
def recording(app, monkeypatch):
    """Use RecordingRequest for this test only."""
    monkeypatch.setattr(app, "request_class", RecordingRequest)
    return RecordingArgs.asked


def _routes(app, role: str):
    """(rule, method) for every route `role` may use, without logging itself out."""
    for rule in app.url_map.iter_rules():
        entry = TABLE.get((rule.endpoint, rule.rule))
        if entry is None or role not in entry.own or rule.endpoint in {"static", "auth.logout"}:
            continue
        if "GET" in rule.methods:
            yield rule, "GET"
        elif any(":" in a or a.endswith("_id") for a in rule.arguments):
            yield rule, "POST"


def _with_odd_ids(rule, params: dict[str, object], odd: str) -> list[str]:
    """The URL once per id in it, that id replaced by `odd`."""
    urls = []
    for name in sorted(rule.arguments):
        if name.endswith("_id") or name == "slug":
            urls.append(_url(rule.rule, {**params, name: odd}))
    return urls


def _walk(rule, method: str, url: str, own: dict[str, object], names: list[str], visit) -> None:
    """Hypothesis's walk over one route: random query strings and odd ids in the path."""
    queries = st.dictionaries(st.sampled_from(names), VALUES, max_size=4) if names else st.just({})
    if not names and not _with_odd_ids(rule, own, "1"):
        return

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(query=queries, odd=PATH_IDS)
    def walk(query: dict[str, str], odd: str) -> None:
        if method == "GET" and query:
            visit(method, url, query)
        for odd_url in _with_odd_ids(rule, own, odd):
            visit(method, odd_url)

    walk()


@pytest.mark.parametrize("role", ROLES)
def test_no_query_string_or_path_id_gives_a_5xx(app, client, recording, role):
    world = build_world()
    if role != "anon":
        ClientAuth(client).login(world.emails[role])
    own = world.params["own"]
    failures: list[str] = []
    seen: set[str] = set()

    def visit(method: str, url: str, query: dict[str, str] | None = None) -> None:
        try:
            response = client.open(url, method=method, query_string=query or {}, data={})
        except Exception as err:  # noqa: BLE001 - under TESTING an unhandled error is raised
            from casserole.extensions import db

            db.session.rollback()
            failures.append(f"{method} {url} {query!r} as {role}: {type(err).__name__}: {err}")
            return
        response.close()
        if response.status_code >= 500:
            failures.append(f"{method} {url} {query!r} as {role}: {response.status_code}")

    for rule, method in _routes(app, role):
        url = _url(rule.rule, own)
        # What does this view read from the query string? Ask it.
        recording.clear()
        visit(method, url)
        names = sorted(recording)
        seen.update(names)
        _walk(rule, method, url, own, names, visit)
        # Each parameter alone with every odd value, so none hides behind another's 400,
        # and every combination of edge values where a view reads several.
        for name in names if method == "GET" else []:
            for value in ODD:
                visit(method, url, {name: value})
        if method == "GET" and len(names) > 1:
            for group in itertools.combinations(names, min(3, len(names))):
                for values in itertools.product(EDGE, repeat=len(group)):
                    visit(method, url, dict(zip(group, values, strict=True)))
    assert failures == [], "\n".join(failures[:20])
    # Proof the recording works: the parameters the admin's pages read are found.
    expected = {"page", "period", "start", "end", "diner_id", "action"} if role == "admin" else set()
    assert expected <= seen, seen
