"""Erasure reaches every table: a marker written everywhere a person's words can go is found
nowhere afterwards. Tables and text columns are discovered, so a new column cannot escape."""

from __future__ import annotations

from sqlalchemy import func, select

from casserole import clock
from casserole.extensions import db
from casserole.models import (
    CaseLogKind,
    CheckKind,
    ConcernStatus,
    ContactWay,
    EmailStatus,
    EndReason,
    OutboundEmail,
    Role,
    VisitReport,
    WaitingListEntry,
    WelfareOutcome,
)
from casserole.services import accounts, notifications, pairings, welfare
from casserole.services.casework import case_log
from casserole.services.casework import concerns as casework_concerns
from casserole.services.coordinator import messages as console_messages
from tests.support import factories as f
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


def _world(dm: str, cm: str, dp: str = "", cp: str = ""):
    """A diner (marker dm) and a cook (marker cm) with a history that touches every table."""
    area = f.area("Barnet", ("N3", "N12"))
    coordinator = f.user(Role.COORDINATOR, email="co@example.org")
    coordinator.areas = [area]
    carer = f.user(Role.CARER, email="carer@example.org", first_name="Ruth")
    diner = f.diner(
        area,
        carer=carer,
        first_name=f"Edna {dm}",
        last_name=dm,
        phone=f"020 {dm} {dp}",
        postcode=dm,
        outcode="N3",
        address_line=f"7 {dm} Road",
        allergies=f"peanuts ({dm})",
        likes=f"{dm} likes stew",
        dislikes=f"{dm} dislikes fish",
        access_notes=f"Knock loudly, {dm} is deaf",
        contact_preference=f"Phone {dm} after ten",
        carer_relationship=f"daughter of {dm}",
        needs_mask=1 << 4,  # gluten-free: the cook cannot, so pairing needs an override
        preferred_contact=ContactWay.LETTER,  # letters carry the address
    )
    cook_user = f.user(
        Role.COOK,
        email=f"{cm}@example.org",
        first_name=f"Priya {cm}",
        last_name=cm,
        phone=f"07700 {cm} {cp}",
        preferred_contact=ContactWay.SMS,  # texts carry the number
    )
    cook = f.cook(
        area,
        user=cook_user,
        postcode=cm,
        outcode="N3",
        address_line=f"9 {cm} Close",
        introduction=f"I am {cm} and I love baking",
        availability_note=f"{cm} works nights on Tuesdays",
    )
    for check, kind in zip(cook.checks, CheckKind, strict=True):
        check.reference = f"{kind.value}-{cm}"
    other_diner = f.diner(area, first_name="Olive", outcode="N3")
    db.session.add(
        WaitingListEntry(
            email=cook_user.email,
            name=f"Priya {cm}",
            role=Role.COOK,
            postcode=cm,
            outcode="AB1",
        )
    )
    db.session.commit()

    # The diner's pairing, from a hand-made proposal to its end, through every step's words.
    p1 = pairings.propose_by_hand(
        coordinator, cook.id, diner.id, override_reason=f"{dm} trusts {cm} with gluten"
    )
    pairings.accept(p1.id, cook_user)
    pairings.accept(p1.id, carer)
    pairings.log_meal(p1.id, cook_user, p1.started_at.date(), f"Stew for {dm}", f"no nuts, {dm}")
    pairings.leave_feedback(p1.id, carer, 5, f"{dm} loved {cm}'s stew")
    concern = pairings.raise_concern(p1.id, cook_user, f"{dm} seemed confused today")
    casework_concerns.update(
        area, concern, ConcernStatus.RESOLVED, f"Called {dm}: all well", False, coordinator
    )
    # Casework: what the coordinators wrote down about each of them and their pairing.
    diner.emergency_contact_name, diner.emergency_contact_phone = f"Rose {dm}", f"0208 {dm}"
    diner.referrer_name, diner.referrer_organisation = f"Dr {dm}", f"{dm} Surgery"
    diner.referrer_contact = f"gp-{dm}@example.org"
    for kind, subject_id, words in (
        ("diner", diner.id, f"Visited {dm} at home"),
        ("pairing", p1.id, f"{dm} and {cm} met for tea"),
        ("cook", cook.id, f"{cm} asked about DBS"),
    ):
        case_log.add_entry(
            case_log.Subject(kind, subject_id, area.id), CaseLogKind.NOTE, words, coordinator
        )
    # A meal day that went wrong: the cook's report and the welfare check's outcome.
    _, check = welfare.report_visit(
        p1.id, cook_user, VisitReport.NOBODY_ANSWERED, clock.today(), f"{dm}'s curtains shut"
    )
    welfare.record_outcome(
        area, check, WelfareOutcome.FINE, f"{dm} was at her sister's", coordinator
    )
    # A call the coordinator makes (asked for by phone) and what came of it.
    diner.preferred_contact = ContactWay.PHONE
    notifications.at_risk_reminder(p1, 14)
    db.session.commit()
    call = db.session.scalars(
        select(OutboundEmail).where(OutboundEmail.channel == ContactWay.PHONE)
    ).one()
    console_messages.record_call(area, call.id, f"Spoke to {dm}: all well", coordinator)
    diner.preferred_contact = ContactWay.LETTER
    pairings.pause(p1.id, carer, f"{dm} is in hospital with a broken hip")
    pairings.resume(p1.id, carer)
    pairings.end(p1.id, carer, EndReason.HEALTH, f"{dm} has gone into a care home")
    declined = pairings.propose_by_hand(
        coordinator, cook.id, diner.id, override_reason=f"{dm} asked for {cm} again"
    )
    pairings.decline(declined.id, cook_user, f"I cannot cook for {dm} any more")

    # The cook's other pairing: the cook's words only.
    p3 = pairings.propose_by_hand(coordinator, cook.id, other_diner.id)
    pairings.accept(p3.id, cook_user)
    pairings.accept(p3.id, other_diner.carer)
    pairings.log_meal(p3.id, cook_user, p3.started_at.date(), f"{cm}'s pie", f"{cm} used eggs")
    pairings.pause(p3.id, cook_user, f"{cm} is on holiday")
    case_log.add_entry(
        case_log.Subject("pairing", p3.id, area.id), CaseLogKind.CALL, f"{cm} rang", coordinator
    )
    accounts.request_password_reset(cook_user.email)
    # Sent to an address the cook does not (yet) use: found by the account it is about.
    accounts.request_email_change(cook_user, f"{cm}.new@example.org", f.PASSWORD)

    # Queued, not yet sent: about each of them.
    notifications.ended_to_coordinators(p1, carer)
    notifications.at_risk_reminder(p3, 21)
    # A relay refusal echoes the address it refused.
    failed = db.session.scalars(
        select(OutboundEmail).where(OutboundEmail.to_address == cook_user.email)
    ).first()
    failed.status = EmailStatus.FAILED
    failed.last_error = f"SMTPRecipientsRefused: {{'{cook_user.email}': (550, 'unknown')}}"
    db.session.commit()
    return carer, diner, cook_user


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
