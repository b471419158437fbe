"""Every route against every role: who may use it, and that nobody else can, by any URL.

The table below must name every endpoint in the app's URL map: a new route without an
entry fails `test_every_route_has_an_entry`. Each entry gives, for records in the viewer's
own area ("own") and in another area ("foreign"), the roles allowed through. Allowed means
the app did not refuse on access grounds (it may still say 409 or 422 because of state or
an empty form); denied means 403 or 404 for people, or a redirect to the login page for
visitors. A 500 is always a failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from flask import Flask

from casserole.models import MealShare, PairingStatus, Role
from tests import factories as f
from tests.web.test_pages import login

ROLES = ("anon", "cook", "paired_cook", "diner", "carer", "coord_same", "coord_other", "admin")
PUBLIC = frozenset(ROLES)
LOGGED_IN = frozenset(ROLES) - {"anon"}
COOKS = frozenset({"cook", "paired_cook"})
PAIR_PEOPLE = frozenset({"paired_cook", "carer"})
PAIR_ALL = PAIR_PEOPLE | {"coord_same", "admin"}
COORDS = frozenset({"coord_same", "coord_other", "admin"})
AREA = frozenset({"coord_same", "admin"})
AREA_FOREIGN = frozenset({"coord_other", "admin"})
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Entry:
    """Who may use one route with own-area records, and with another area's records."""

    own: frozenset[str]
    foreign: frozenset[str] | None = None  # None: the route names no record


TABLE: dict[tuple[str, str], Entry] = {
    ("static", "/static/<path:filename>"): Entry(PUBLIC),
    ("main.index", "/"): Entry(PUBLIC),
    ("main.data_sources", "/about/data"): Entry(PUBLIC),
    ("main.my_meals", "/my-meals"): Entry(frozenset({"diner"})),
    ("main.my_meals", "/my-meals/<int:diner_id>"): Entry(frozenset({"carer"}), NOBODY),
    ("auth.login", "/auth/login"): Entry(PUBLIC),
    ("auth.logout", "/auth/logout"): Entry(LOGGED_IN),
    ("auth.request_reset", "/auth/reset"): Entry(PUBLIC),
    ("auth.reset_password", "/auth/reset/<token>"): Entry(PUBLIC),
    ("auth.change_email", "/auth/email"): Entry(LOGGED_IN),
    ("auth.confirm_email", "/auth/email/<token>"): Entry(PUBLIC),
    ("signup.start", "/join/"): Entry(PUBLIC),
    ("signup.cook", "/join/cook"): Entry(PUBLIC),
    ("signup.diner", "/join/diner"): Entry(PUBLIC),
    ("signup.carer", "/join/carer"): Entry(PUBLIC),
    ("signup.waiting", "/join/waiting-list"): Entry(PUBLIC),
    ("signup.check_email", "/join/check-email"): Entry(PUBLIC),
    ("signup.finish", "/join/finish/<token>"): Entry(PUBLIC),
    ("profiles.cook", "/profile/cook"): Entry(COOKS),
    ("profiles.checks", "/profile/cook/checks"): Entry(COOKS),
    ("profiles.take_break", "/profile/cook/break"): Entry(COOKS),
    ("profiles.diner", "/profile/diner"): Entry(frozenset({"diner", "carer"})),
    ("profiles.add_diner", "/profile/diners/new"): Entry(frozenset({"carer"})),
    ("profiles.switch", "/profile/diners/switch"): Entry(frozenset({"carer"})),
    ("profiles.diner_details_page", "/profile/diners/<int:diner_id>"): Entry(
        frozenset({"carer"}), NOBODY
    ),
    ("profiles.neighbour", "/profile/neighbours/<int:diner_id>"): Entry(
        frozenset({"paired_cook"}), NOBODY
    ),
    ("profiles.cook_for_diner", "/profile/cooks/<int:cook_id>"): Entry(
        frozenset({"carer"}), NOBODY
    ),
    ("rights.overview", "/my-data/"): Entry(LOGGED_IN),
    ("rights.download_mine", "/my-data/download"): Entry(LOGGED_IN),
    ("rights.erase_mine", "/my-data/erase"): Entry(LOGGED_IN),
    ("rights.download_diner", "/my-data/diners/<int:diner_id>/download"): Entry(
        frozenset({"carer"}), NOBODY
    ),
    ("rights.erase_diner", "/my-data/diners/<int:diner_id>/erase"): Entry(
        frozenset({"carer"}), NOBODY
    ),
    ("pairings.index", "/pairings/"): Entry(LOGGED_IN),
    ("pairings.propose_by_hand", "/pairings/new"): Entry(COORDS),
    ("pairings.match_area", "/pairings/areas/<int:area_id>/match"): Entry(AREA, AREA_FOREIGN),
    ("pairings.show", "/pairings/<int:pairing_id>"): Entry(PAIR_ALL, AREA_FOREIGN),
    ("pairings.approve", "/pairings/<int:pairing_id>/approve"): Entry(AREA, AREA_FOREIGN),
    ("pairings.accept", "/pairings/<int:pairing_id>/accept"): Entry(PAIR_PEOPLE, NOBODY),
    ("pairings.decline", "/pairings/<int:pairing_id>/decline"): Entry(PAIR_ALL, AREA_FOREIGN),
    ("pairings.pause", "/pairings/<int:pairing_id>/pause"): Entry(PAIR_ALL, AREA_FOREIGN),
    ("pairings.resume", "/pairings/<int:pairing_id>/resume"): Entry(PAIR_ALL, AREA_FOREIGN),
    ("pairings.end", "/pairings/<int:pairing_id>/end"): Entry(PAIR_ALL, AREA_FOREIGN),
    ("pairings.log_meal", "/pairings/<int:pairing_id>/meals/new"): Entry(
        frozenset({"paired_cook"}), NOBODY
    ),
    ("pairings.confirm_meal", "/pairings/<int:pairing_id>/meals/<int:meal_id>/confirm"): Entry(
        frozenset({"carer"}), NOBODY
    ),
    ("pairings.feedback", "/pairings/<int:pairing_id>/feedback"): Entry(PAIR_PEOPLE, NOBODY),
    ("pairings.concern", "/pairings/<int:pairing_id>/concern"): Entry(PAIR_PEOPLE, NOBODY),
    ("admin.audit_trail", "/admin/audit"): Entry(frozenset({"admin"})),
    ("coordinator.index", "/coordinator/"): Entry(COORDS),
    ("coordinator.area", "/coordinator/<slug>/"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.vetting_queue", "/coordinator/<slug>/vetting"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.cook", "/coordinator/<slug>/cooks/<int:cook_id>"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.record_check", "/coordinator/<slug>/cooks/<int:cook_id>/checks"): Entry(
        AREA, AREA_FOREIGN
    ),
    ("coordinator.waiting", "/coordinator/<slug>/waiting"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.refresh_reasons", "/coordinator/<slug>/waiting/reasons"): Entry(
        AREA, AREA_FOREIGN
    ),
    ("coordinator.run_matching", "/coordinator/<slug>/matching"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.proposals", "/coordinator/<slug>/proposals"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.approve", "/coordinator/<slug>/proposals/approve"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.monitor", "/coordinator/<slug>/pairings"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.area_figures", "/coordinator/<slug>/figures"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.area_map", "/coordinator/<slug>/map"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.map_json", "/coordinator/<slug>/map.json"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.exports_page", "/coordinator/<slug>/exports"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.export_anonymised", "/coordinator/<slug>/exports/pairings-anonymised.csv"): Entry(
        AREA, AREA_FOREIGN
    ),
    ("coordinator.export_full", "/coordinator/<slug>/exports/area-full.csv"): Entry(
        AREA, AREA_FOREIGN
    ),
}


@dataclass
class World:
    """Two areas with one of everything; ids per variant for filling in URLs."""

    emails: dict[str, str]
    params: dict[str, dict[str, object]]


def build_world() -> World:
    barnet = f.area("Barnet", ("N3",), slug="barnet")
    hamlets = f.area("Tower Hamlets", ("E14",), slug="tower-hamlets")
    emails: dict[str, str] = {}

    def person(key: str, role: Role) -> object:
        account = f.user(role, email=f"{key}@example.org")
        emails[key] = account.email
        return account

    admin = person("admin", Role.ADMIN)
    coord_same = person("coord_same", Role.COORDINATOR)
    coord_same.areas = [barnet]
    coord_other = person("coord_other", Role.COORDINATOR)
    coord_other.areas = [hamlets]
    f.cook(barnet, user=person("cook", Role.COOK))
    paired_cook = f.cook(barnet, user=person("paired_cook", Role.COOK))
    carer = person("carer", Role.CARER)
    diner = f.diner(barnet, carer=carer, first_name="Edna")
    f.diner(barnet, user=person("diner", Role.DINER), first_name="Self")
    pairing = f.pairing(paired_cook, diner, PairingStatus.ACTIVE)
    meal = f.database_add(MealShare(pairing=pairing, shared_on=date.today(), dish="Stew"))

    e14 = {"postcode": "E14 5AB", "latitude": 51.5, "longitude": -0.02}
    far_cook = f.cook(hamlets, **e14)
    far_diner = f.diner(hamlets, first_name="Far", **e14)
    far_pairing = f.pairing(far_cook, far_diner, PairingStatus.ACTIVE)
    far_meal = f.database_add(MealShare(pairing=far_pairing, shared_on=date.today(), dish="Soup"))
    assert admin and coord_other
    params = {
        "own": {
            "pairing_id": pairing.id,
            "meal_id": meal.id,
            "diner_id": diner.id,
            "cook_id": paired_cook.id,
            "area_id": barnet.id,
            "slug": "barnet",
        },
        "foreign": {
            "pairing_id": far_pairing.id,
            "meal_id": far_meal.id,
            "diner_id": far_diner.id,
            "cook_id": far_cook.id,
            "area_id": hamlets.id,
            "slug": "tower-hamlets",
        },
        # Own area in one part of the URL, another area's record in the other.
        "mixed": {
            "pairing_id": pairing.id,
            "meal_id": far_meal.id,
            "diner_id": far_diner.id,
            "cook_id": far_cook.id,
            "area_id": hamlets.id,
            "slug": "barnet",
        },
    }
    return World(emails, params)


def _url(rule: str, values: dict[str, object]) -> str:
    import re

    def fill(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[-1]
        return {"filename": "style.css", "token": "not-a-real-token"}.get(name) or str(values[name])

    return re.sub(r"<([^>]+)>", fill, rule)


def _denied(role: str, response) -> bool:
    if role == "anon" and response.status_code in (301, 302, 303):
        return "/auth/login" in response.headers.get("Location", "")
    return response.status_code in (401, 403, 404)


def check_role(app: Flask, client, role: str) -> list[str]:
    """Visit every route as `role`; describe every response that breaks the table."""
    world = build_world()
    if role != "anon":
        login(client, world.emails[role])
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
            if len(names & {"slug", "pairing_id", "meal_id", "cook_id", "diner_id", "area_id"}) > 1:
                # An id swapped for another area's: nobody, not even an admin, gets it.
                variants.append(("mixed", NOBODY))
        for variant, allowed in variants:
            url = _url(rule.rule, world.params[variant])
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
def test_route_access_by_role(app, client, role):
    problems = check_role(app, client, role)
    assert problems == [], "\n".join(problems)


def test_removing_an_area_check_is_caught(app, client, monkeypatch):
    """Proof the table bites: let coordinators see every area and the other area's coordinator gets in."""
    import casserole.access

    monkeypatch.setattr(casserole.access, "area_ids_for", lambda user: None)
    problems = check_role(app, client, "coord_other")
    assert any("should be refused" in p for p in problems)
