"""Erasure reaches every table: a marker written everywhere a person's words can go is found
nowhere afterwards. Tables and text columns are discovered, so a new column cannot escape."""

from __future__ import annotations

from sqlalchemy import func, select

from casserole.models import (
    EmailStatus,
    OutboundEmail,
)
from tests.support.erasure_world import erasure_world as _world
from tests.support.markers import (
    digit_marker,
)
from tests.support.markers import (
    holding as _holding,
)
from tests.support.markers import (
    marker as _marker,
)
from tests.support.markers import (
    text_columns_in_database as _text_columns_in_database,
)
from tests.support.markers import (
    text_columns_in_metadata as _text_columns_in_metadata,
)

# Text columns that never hold a person's words, so the scenario need not reach them.
# Every entry says why; a new column is covered by the scenario or added here with a reason.
NOT_PERSONAL = {
    "areas.name": "the council area's own name",
    "areas.slug": "the council area's address in the site",
    "areas.contact_email": "the council's shared mailbox, not a person's",
    "areas.contact_phone": "the council's switchboard, not a person's",
    "area_districts.outcode": "a postcode district: thousands of households",
    "postcode_locations.postcode": "published ONS postcode positions, about nobody",
    "users.password_hash": "a salted scrypt hash (replaced at erasure)",
    "users.locale": "a language code set by the app (en, cy or bn)",
    "cook_profiles.outcode": "a postcode district, kept for area figures",
    "diner_profiles.outcode": "a postcode district, kept for area figures",
    "district_waiting_list.outcode": "a postcode district, kept for area figures",
    "audit_events.action": "a code word set by the app",
    "audit_events.subject_type": "a model's class name",
    "audit_events.detail": "record numbers and code words only: audit.record refuses text",
    "outbound_emails.kind": "a code word set by the app",
    "outbound_emails.provider_ref": "GOV.UK Notify's random id for a message it sent",
    "api_tokens.label": "an admin's name for a council system's API token, about no diner or cook",
    "api_tokens.prefix": "the first characters of a random token, to tell tokens apart",
    "api_tokens.token_hash": "a SHA-256 digest of a random token",
    "break_covers.reason_code": "the matcher's code word for a break without a stand-in",
    "break_covers.reason": "the matcher's sentence (counts and km), written by the app",
    "sent_reminders.kind": "a code word set by the app",
    "sent_reminders.subject": "a record number (pairing:12, user:5), never a name",
    "matching_runs.kind": "a code word set by the app (propose or reasons)",
    "matching_runs.status": "a code word set by the app (running, done, failed)",
    "waiting_reasons.reason": "the matcher's reason code (no_cook_in_range, ...)",
    "jobs.kind": "a code word set by the app",
    "jobs.output_name": "a file name made of the area's slug",
    "jobs.params": "code words, and the requester's address only until the job ends",
    "jobs.result": "counts and record numbers only (casserole/jobs/kinds.py)",
    "jobs.summary": "sentences with counts only, never a person's details",
    "jobs.error": "fixed sentences with counts only: row problems are never kept",
}


def test_erasing_a_diner_then_a_cook_leaves_their_markers_nowhere(client, database, auth):
    dm, cm = _marker("qxd"), _marker("qxc")
    # Search keys keep only a phone's digits: digit markers show those are erased too.
    dp, cp = digit_marker(), digit_marker()
    carer, diner, cook_user = _world(dm, cm, dp, cp)
    statuses = set(database.session.scalars(select(OutboundEmail.status)))
    assert {EmailStatus.SENT, EmailStatus.PENDING, EmailStatus.FAILED} <= statuses

    declared = _text_columns_in_metadata()
    names = {f"{t}.{c}" for t, c in declared}
    assert set(NOT_PERSONAL) <= names, set(NOT_PERSONAL) - names  # no stale allow-list entry
    reached = set().union(*(_holding(m, declared) for m in (dm, cm, dp, cp)))
    missed = names - reached - set(NOT_PERSONAL)
    assert not missed, f"the scenario writes no marker into {sorted(missed)}"

    everything = _text_columns_in_database()
    auth.login("carer@example.org")
    response = client.post(f"/my-data/diners/{diner.id}/erase", data={"confirm": "y"})
    assert response.status_code == 302
    assert _holding(dm, everything) == set()
    assert _holding(dp, everything) == set()
    # The cook was not erased: their own words are still where they were.
    assert "cook_profiles.introduction" in _holding(cm, everything)

    client.post("/auth/logout")
    auth.login(cook_user.email)
    response = client.post("/my-data/erase", data={"confirm": "y"})
    assert response.status_code == 302
    assert _holding(cm, everything) == set()
    assert _holding(cp, everything) == set()


def test_a_concern_reaches_coordinators_before_erasure_and_is_gone_after(client, database, auth):
    dm, cm = _marker("qxd"), _marker("qxc")
    _, diner, _ = _world(dm, cm)
    concern = database.session.scalars(
        select(OutboundEmail).where(OutboundEmail.kind == "concern_to_coordinator")
    ).one()
    assert dm in concern.text_body and concern.status == EmailStatus.SENT
    auth.login("carer@example.org")
    client.post(f"/my-data/diners/{diner.id}/erase", data={"confirm": "y"})
    database.session.refresh(concern)
    # The row stays (kind, dates and status for the delivery record); the words do not.
    assert concern.kind == "concern_to_coordinator" and concern.text_body == ""
    assert concern.to_address == "" and concern.subject == ""
    unsent = database.session.scalar(
        select(func.count())
        .select_from(OutboundEmail)
        .where(OutboundEmail.kind == "pairing_ended_to_coordinator")
        .where(OutboundEmail.status == EmailStatus.PENDING)
    )
    assert unsent == 0  # withdrawn: never sent about someone who is erased
