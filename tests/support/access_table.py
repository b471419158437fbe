"""The authorization table: every route, and which roles may use it with own-area and other-area records.

Entries are (endpoint, rule) -> Entry. Allowed means the app did not refuse on access grounds
(it may still say 409 or 422 because of state or an empty form); denied means 403 or 404 for
people, or a redirect to the login page for visitors. `build_world` makes one person of each
role and records in two areas, for filling in URLs. Used by the authorization and fuzzing tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from casserole import clock
from casserole.models import (
    ConcernStatus,
    ContactWay,
    EmailStatus,
    Feedback,
    MealShare,
    OutboundEmail,
    PairingStatus,
    Role,
    VisitReport,
    WelfareCheck,
)
from tests.support import factories as f

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
    ("language.choose", "/language"): Entry(PUBLIC),
    # Operations: health for load balancers; metrics open outside production (tests), else
    # behind METRICS_TOKEN (tests/web/test_ops.py).
    ("ops.healthz", "/healthz"): Entry(PUBLIC),
    ("ops.metrics", "/metrics"): Entry(PUBLIC),
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
    ("rights.view_mine", "/my-data/view"): Entry(LOGGED_IN),
    ("rights.view_diner", "/my-data/diners/<int:diner_id>/view"): Entry(
        frozenset({"carer"}), NOBODY
    ),
    ("profiles.cook", "/profile/cook"): Entry(COOKS),
    ("profiles.checks", "/profile/cook/checks"): Entry(COOKS),
    ("profiles.take_break", "/profile/cook/break"): Entry(COOKS),
    ("profiles.diner", "/profile/diner"): Entry(frozenset({"diner", "carer"})),
    ("profiles.add_diner", "/profile/diners/new"): Entry(frozenset({"carer"})),
    ("profiles.carer_contact", "/profile/contact"): Entry(frozenset({"carer"})),
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
    ("pairings.died", "/pairings/<int:pairing_id>/died"): Entry(PAIR_ALL, AREA_FOREIGN),
    ("pairings.log_meal", "/pairings/<int:pairing_id>/meals/new"): Entry(
        frozenset({"paired_cook"}), NOBODY
    ),
    ("pairings.confirm_meal", "/pairings/<int:pairing_id>/meals/<int:meal_id>/confirm"): Entry(
        frozenset({"carer"}), NOBODY
    ),
    ("pairings.feedback", "/pairings/<int:pairing_id>/feedback"): Entry(PAIR_PEOPLE, NOBODY),
    ("pairings.concern", "/pairings/<int:pairing_id>/concern"): Entry(PAIR_PEOPLE, NOBODY),
    # Nobody answered, seemed unwell, could not come: the pairing's cook only.
    ("pairings.report_visit", "/pairings/<int:pairing_id>/report"): Entry(
        frozenset({"paired_cook"}), NOBODY
    ),
    ("admin.audit_trail", "/admin/audit"): Entry(frozenset({"admin"})),
    ("admin.areas", "/admin/areas"): Entry(frozenset({"admin"})),
    ("admin.edit_area", "/admin/areas/new"): Entry(frozenset({"admin"})),
    ("admin.edit_area", "/admin/areas/<int:area_id>"): Entry(frozenset({"admin"})),
    ("admin.coordinators", "/admin/coordinators"): Entry(frozenset({"admin"})),
    ("admin.coordinator_areas", "/admin/coordinators/<int:user_id>/areas"): Entry(
        frozenset({"admin"})
    ),
    ("admin.accounts", "/admin/accounts"): Entry(frozenset({"admin"})),
    ("admin.set_active", "/admin/accounts/<int:user_id>/active"): Entry(frozenset({"admin"})),
    ("coordinator.index", "/coordinator/"): Entry(COORDS),
    ("coordinator.area", "/coordinator/<slug>/"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.vetting_queue", "/coordinator/<slug>/vetting"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.cook", "/coordinator/<slug>/cooks/<int:cook_id>"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.record_check", "/coordinator/<slug>/cooks/<int:cook_id>/checks"): Entry(
        AREA, AREA_FOREIGN
    ),
    ("coordinator.diner", "/coordinator/<slug>/diners/<int:diner_id>"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.carer", "/coordinator/<slug>/carers/<int:carer_id>"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.pair_by_hand", "/coordinator/<slug>/diners/<int:diner_id>/pair"): Entry(
        AREA, AREA_FOREIGN
    ),
    ("coordinator.diner_needs", "/coordinator/<slug>/diners/<int:diner_id>/needs"): Entry(
        AREA, AREA_FOREIGN
    ),
    ("coordinator.search", "/coordinator/<slug>/search"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.waiting", "/coordinator/<slug>/waiting"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.refresh_reasons", "/coordinator/<slug>/waiting/reasons"): Entry(
        AREA, AREA_FOREIGN
    ),
    ("coordinator.run_matching", "/coordinator/<slug>/matching"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.job", "/coordinator/<slug>/jobs/<int:job_id>"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.job_file", "/coordinator/<slug>/jobs/<int:job_id>/file"): Entry(
        AREA, AREA_FOREIGN
    ),
    ("coordinator.prepare_anonymised", "/coordinator/<slug>/exports/pairings-anonymised"): Entry(
        AREA, AREA_FOREIGN
    ),
    ("coordinator.proposals", "/coordinator/<slug>/proposals"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.approve", "/coordinator/<slug>/proposals/approve"): Entry(AREA, AREA_FOREIGN),
    (
        "coordinator.decline_proposal",
        "/coordinator/<slug>/proposals/<int:proposal_id>/decline",
    ): Entry(AREA, AREA_FOREIGN),
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
    ("coordinator.export_people", "/coordinator/<slug>/exports/people/<people>.csv"): Entry(
        AREA, AREA_FOREIGN
    ),
    ("coordinator.case_log_page", "/coordinator/<slug>/case-log/<kind>/<int:subject_id>"): Entry(
        AREA, AREA_FOREIGN
    ),
    ("coordinator.add_case_entry", "/coordinator/<slug>/case-log/<kind>/<int:subject_id>"): Entry(
        AREA, AREA_FOREIGN
    ),
    ("coordinator.register_diner", "/coordinator/<slug>/diners/new"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.diner_referral", "/coordinator/<slug>/diners/<int:diner_id>/referral"): Entry(
        AREA, AREA_FOREIGN
    ),
    ("coordinator.record_consent", "/coordinator/<slug>/diners/<int:diner_id>/consent"): Entry(
        AREA, AREA_FOREIGN
    ),
    ("coordinator.import_referrals", "/coordinator/<slug>/referrals/import"): Entry(
        AREA, AREA_FOREIGN
    ),
    ("coordinator.hand_to_carer", "/coordinator/<slug>/diners/<int:diner_id>/carer"): Entry(
        AREA, AREA_FOREIGN
    ),
    ("coordinator.suspend_cook", "/coordinator/<slug>/cooks/<int:cook_id>/suspend"): Entry(
        AREA, AREA_FOREIGN
    ),
    ("coordinator.reinstate_cook", "/coordinator/<slug>/cooks/<int:cook_id>/reinstate"): Entry(
        AREA, AREA_FOREIGN
    ),
    ("coordinator.register_cook", "/coordinator/<slug>/cooks/new"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.concerns_queue", "/coordinator/<slug>/concerns"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.welfare_check", "/coordinator/<slug>/welfare/<int:check_id>"): Entry(
        AREA, AREA_FOREIGN
    ),
    ("coordinator.calls", "/coordinator/<slug>/calls"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.record_call", "/coordinator/<slug>/calls/<int:message_id>"): Entry(
        AREA, AREA_FOREIGN
    ),
    ("coordinator.letters", "/coordinator/<slug>/letters"): Entry(AREA, AREA_FOREIGN),
    ("coordinator.letters_printed", "/coordinator/<slug>/letters/printed"): Entry(
        AREA, AREA_FOREIGN
    ),
    ("coordinator.failed_messages", "/coordinator/<slug>/messages/failed"): Entry(
        AREA, AREA_FOREIGN
    ),
    ("coordinator.send_again", "/coordinator/<slug>/messages/<int:failed_id>/again"): Entry(
        AREA, AREA_FOREIGN
    ),
    ("coordinator.update_concern", "/coordinator/<slug>/concerns/<int:concern_id>"): Entry(
        AREA, AREA_FOREIGN
    ),
    (
        "coordinator.export_anonymised_readme",
        "/coordinator/<slug>/exports/pairings-anonymised-readme.txt",
    ): Entry(AREA, AREA_FOREIGN),
    # Published outcomes: aggregates and anonymised rows only, open to everyone.
    ("public.index", "/outcomes/"): Entry(PUBLIC),
    ("public.area", "/outcomes/<slug>"): Entry(PUBLIC, PUBLIC),
    ("public.pairings_csv", "/outcomes/<slug>/pairings.csv"): Entry(PUBLIC, PUBLIC),
    ("public.csv_metadata", "/outcomes/<slug>/pairings.csv-metadata.json"): Entry(PUBLIC, PUBLIC),
    ("public.report_all", "/outcomes/report"): Entry(PUBLIC),
    ("public.report", "/outcomes/<slug>/report"): Entry(PUBLIC, PUBLIC),
    ("api-docs.openapi_json", "/api/openapi.json"): Entry(PUBLIC),
    # The API takes API tokens only: a logged-in session, even an admin's, gets a 401.
    ("api.list_areas", "/api/v1/areas"): Entry(NOBODY),
    ("api.figures", "/api/v1/areas/<slug>/figures"): Entry(NOBODY, NOBODY),
    ("api.pairings", "/api/v1/areas/<slug>/pairings"): Entry(NOBODY, NOBODY),
    ("api.waiting", "/api/v1/areas/<slug>/waiting"): Entry(NOBODY, NOBODY),
    ("admin.api_tokens", "/admin/api-tokens"): Entry(frozenset({"admin"})),
    ("admin.revoke_api_token", "/admin/api-tokens/<int:token_id>/revoke"): Entry(
        frozenset({"admin"}), frozenset({"admin"})
    ),
}


@dataclass
class World:
    """Two areas with one of everything; ids per variant for filling in URLs."""

    emails: dict[str, str]
    params: dict[str, dict[str, object]]


def build_world() -> World:
    """Barnet and Tower Hamlets with one person of each role and a pairing and meal in each."""
    barnet = f.area("Barnet", ("N3",), slug="barnet")
    hamlets = f.area("Tower Hamlets", ("E14",), slug="tower-hamlets")
    emails: dict[str, str] = {}

    def person(key: str, role: Role) -> object:
        account = f.user(role, email=f"{key}@example.org")
        emails[key] = account.email
        return account

    person("admin", Role.ADMIN)
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
    meal = f.database_add(MealShare(pairing=pairing, shared_on=clock.today(), dish="Stew"))

    e14 = {"postcode": "E14 5AB", "latitude": 51.5, "longitude": -0.02}
    far_cook = f.cook(hamlets, **e14)
    far_diner = f.diner(hamlets, first_name="Far", **e14)
    far_pairing = f.pairing(far_cook, far_diner, PairingStatus.ACTIVE)
    far_meal = f.database_add(MealShare(pairing=far_pairing, shared_on=clock.today(), dish="Soup"))
    concern, far_concern = (
        f.database_add(
            Feedback(
                pairing=p, comment="Worried", is_concern=True, concern_status=ConcernStatus.NEW
            )
        )
        for p in (pairing, far_pairing)
    )
    check, far_check = (
        f.database_add(WelfareCheck(pairing=p, area_id=p.area_id, kind=VisitReport.NOBODY_ANSWERED))
        for p in (pairing, far_pairing)
    )
    # A call on each area's call list (someone who asked to be rung).
    call, far_call = (
        f.database_add(
            OutboundEmail(
                kind="test_call",
                channel=ContactWay.PHONE,
                to_address="",
                to_phone="020 8123 4567",
                subject="About meals",
                text_body="Ring them",
                area_id=a.id,
                diner_id=d.id,
            )
        )
        for a, d in ((barnet, diner), (hamlets, far_diner))
    )
    # A text that could not be sent, in each area (the failed-messages list sends it again).
    failed, far_failed = (
        f.database_add(
            OutboundEmail(
                kind="test_failed",
                channel=ContactWay.SMS,
                to_address="",
                to_phone="020 8123 4567",
                subject="About meals",
                text_body="Hello",
                status=EmailStatus.FAILED,
                last_error="ValidationError: phone_number Not a UK mobile number",
                area_id=a.id,
                person_id=u.id,
            )
        )
        for a, u in ((barnet, paired_cook.user), (hamlets, far_cook.user))
    )
    # API tokens are records too (revoking one is the admin's alone).
    own_token = f.api_token(barnet)
    far_token = f.api_token(hamlets)
    # Background jobs belong to an area: another area's coordinator gets a 404.
    own_job, far_job = (
        f.job(
            a,
            requested_by=coord,
            kind="export_anonymised",
            output_data=b"district,months\n",
            output_name="pairings-anonymised.csv",
        )
        for a, coord in ((barnet, coord_same), (hamlets, coord_other))
    )
    params = {
        "own": {
            "check_id": check.id,
            "token_id": own_token.id,
            "proposal_id": pairing.id,
            "job_id": own_job.id,
            "pairing_id": pairing.id,
            "meal_id": meal.id,
            "diner_id": diner.id,
            "kind": "diner",
            "subject_id": diner.id,
            "concern_id": concern.id,
            "message_id": call.id,
            "failed_id": failed.id,
            "cook_id": paired_cook.id,
            "carer_id": carer.id,
            "user_id": coord_same.id,
            "area_id": barnet.id,
            "slug": "barnet",
        },
        "foreign": {
            "check_id": far_check.id,
            "token_id": far_token.id,
            "proposal_id": far_pairing.id,
            "job_id": far_job.id,
            "pairing_id": far_pairing.id,
            "meal_id": far_meal.id,
            "diner_id": far_diner.id,
            "kind": "diner",
            "subject_id": far_diner.id,
            "concern_id": far_concern.id,
            "message_id": far_call.id,
            "failed_id": far_failed.id,
            "cook_id": far_cook.id,
            "carer_id": far_diner.carer_id,
            "user_id": coord_other.id,
            "area_id": hamlets.id,
            "slug": "tower-hamlets",
        },
        # Own area in one part of the URL, another area's record in the other.
        "mixed": {
            "check_id": far_check.id,
            "token_id": far_token.id,
            "proposal_id": far_pairing.id,
            "job_id": far_job.id,
            "pairing_id": pairing.id,
            "meal_id": far_meal.id,
            "diner_id": far_diner.id,
            "kind": "diner",
            "subject_id": far_diner.id,
            "concern_id": far_concern.id,
            "message_id": far_call.id,
            "failed_id": far_failed.id,
            "cook_id": far_cook.id,
            "carer_id": far_diner.carer_id,
            "user_id": coord_other.id,
            "area_id": hamlets.id,
            "slug": "barnet",
        },
    }
    return World(emails, params)


def url_for_rule(rule: str, values: dict[str, object]) -> str:
    """The rule's URL with each <argument> filled in from `values`."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[-1]
        return {"filename": "style.css", "token": "not-a-real-token", "people": "carers"}.get(
            name
        ) or str(values[name])

    return re.sub(r"<([^>]+)>", fill, rule)
