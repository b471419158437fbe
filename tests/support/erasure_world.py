"""A diner and a cook whose words reach every table: shared by the erasure tests."""

from __future__ import annotations

from sqlalchemy import select

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


def erasure_world(dm: str, cm: str, dp: str = "", cp: str = ""):
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
