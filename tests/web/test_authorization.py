"""Every route against every role: who may use it, and that nobody else can, by any URL.

The table (tests/support/access_table.py) must name every endpoint in the app's URL map: a new route without an
entry fails `test_every_route_has_an_entry`. Each entry gives, for records in the viewer's
own area ("own") and in another area ("foreign"), the roles allowed through. Allowed means
the app did not refuse on access grounds (it may still say 409 or 422 because of state or
an empty form); denied means 403 or 404 for people, or a redirect to the login page for
visitors. A 500 is always a failure.
"""

from __future__ import annotations

import pytest
from flask import Flask

from tests.support.access_table import NOBODY, ROLES, TABLE, build_world, url_for_rule
from tests.support.auth import ClientAuth


def _denied(role: str, response) -> bool:
    if role == "anon" and response.status_code in (301, 302, 303):
        return "/auth/login" in response.headers.get("Location", "")
    return response.status_code in (401, 403, 404)


def check_role(app: Flask, auth: ClientAuth, role: str) -> list[str]:
    """Visit every route as `role`; describe every response that breaks the table."""
    client = auth.client
    world = build_world()
    if role != "anon":
        auth.login(world.emails[role])
    problems = []
    # Logging out ends the session the rest of the visits need: do it last.
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint == "auth.logout")
    for rule in rules:
        entry = TABLE.get((rule.endpoint, rule.rule))
        if entry is None:
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        variants = [("own", entry.own)]
        if entry.foreign is not None:
            variants.append(("foreign", entry.foreign))
            names = {a.split(":")[-1] for a in rule.arguments}
            if len(names & {
                "slug", "pairing_id", "meal_id", "cook_id", "diner_id", "carer_id", "area_id",
                "subject_id", "concern_id", "message_id", "failed_id", "check_id",
            }) > 1:
                # An id swapped for another area's: nobody, not even an admin, gets it.
                variants.append(("mixed", NOBODY))
        for variant, allowed in variants:
            url = url_for_rule(rule.rule, world.params[variant])
            response = client.open(url, method=method, data={})
            response.close()
            if response.status_code >= 500:
                problems.append(f"{method} {url} [{variant}] as {role}: {response.status_code}")
            elif role in allowed and _denied(role, response):
                problems.append(
                    f"{method} {url} [{variant}] as {role}: refused ({response.status_code}) but should be allowed"
                )
            elif role not in allowed and not _denied(role, response):
                problems.append(
                    f"{method} {url} [{variant}] as {role}: {response.status_code} but should be refused"
                )
    return problems


def test_every_route_has_an_entry(app):
    missing = sorted(
        f"{rule.endpoint} {rule.rule}"
        for rule in app.url_map.iter_rules()
        if (rule.endpoint, rule.rule) not in TABLE
    )
    assert missing == [], "add these routes to the authorization table: " + ", ".join(missing)


@pytest.mark.parametrize("role", ROLES)
def test_route_access_by_role(app, auth, role):
    problems = check_role(app, auth, role)
    assert problems == [], "\n".join(problems)


def test_removing_an_area_check_is_caught(app, auth, monkeypatch):
    """Proof the table bites: let coordinators see every area and the other area's coordinator gets in."""
    import casserole.access

    monkeypatch.setattr(casserole.access, "area_ids_for", lambda user: None)
    problems = check_role(app, auth, "coord_other")
    assert any("should be refused" in p for p in problems)
