"""Texts and letters say the facts themselves: every message people get has its own short text.

Someone who chose texts or letters is often offline: "Casserole: <subject> <link>" tells them
nothing they can act on. Every message kind that can reach a person (not only coordinators)
has `templates/sms/<kind>.txt`, drawn in a text's frame and, without a letter of its own, in a
letter's frame (no links, the coordinator's number).
"""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casserole.models import ContactWay, OutboundEmail, PairingStatus, Role
from casserole.models.vocab import allergens_to_mask
from casserole.models.welfare import VisitReport
from casserole.services import mail, notifications, welfare_messages
from casserole.services.pairings import reminders
from tests.support import factories as f

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
# The functions that queue a message by the recipient's channel; the template is argument 3.
SENDERS = {"_send", "tell", "queue_message"}
# Messages only coordinators and admins get (English, by e-mail: staff choose no other way).
STAFF_ONLY = {
    "concern_to_coordinator",
    "pairing_declined_to_coordinator",
    "pairing_ended_to_coordinator",
    "welfare_opened_to_coordinator",
    "welfare_escalated",
}
# Three GSM text parts (153 characters each): long enough for the facts, short enough to read.
LONGEST_TEXT = 3 * 153


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def channel_kinds() -> dict[str, str]:
    """Every message template queued by a person's channel, with where it is queued."""
    kinds: dict[str, str] = {}
    for path in sorted((ROOT / "casserole").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call) or _called_name(node) not in SENDERS:
                continue
            if len(node.args) < 3:
                continue  # a definition's own forwarding (tell(to, subject, template, ...))
            template = node.args[2]
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if isinstance(template, ast.Constant) and isinstance(template.value, str):
                kinds[template.value] = where
            elif not (isinstance(template, ast.Name) and template.id == "template"):
                pytest.fail(f"{where}: name the template plainly, so this test can see it")
    return kinds


def people_kinds() -> list[str]:
    """The message kinds a person (cook, diner, carer) can get: these may go by text or letter."""
    return sorted(set(channel_kinds()) - STAFF_ONLY)


def test_the_scan_finds_the_messages_people_get() -> None:
    kinds = channel_kinds()
    # The scan works: it finds messages from each module that sends them.
    assert {"missed_meal_nudge", "pairing_proposal_to_cook", "vetting_expired"} <= set(kinds)
    assert {"break_notice", "welfare_opened_to_carer", "pairing_changed"} <= set(kinds)
    assert set(kinds) >= STAFF_ONLY
    # Staff-only messages stay English: people's messages are translated.
    for kind in STAFF_ONLY:
        assert "_(" not in (TEMPLATES / "email" / f"{kind}.txt").read_text()


@pytest.mark.parametrize("kind", people_kinds())
def test_every_message_people_get_has_its_own_short_text(kind: str) -> None:
    """A text of its own (else a text would carry only the subject and a link)."""
    assert (TEMPLATES / "sms" / f"{kind}.txt").is_file(), (
        f"templates/sms/{kind}.txt is missing: {kind} ({channel_kinds()[kind]}) can go by "
        "text or letter; write its facts in a few sentences, then translate them"
    )


def _messages(database, **where) -> list[OutboundEmail]:
    stmt = select(OutboundEmail).order_by(OutboundEmail.id)
    for name, value in where.items():
        stmt = stmt.where(getattr(OutboundEmail, name) == value)
    return list(database.session.scalars(stmt))


def _world(way: ContactWay, **diner_kw):
    """Priya cooks for Edna (allergic to peanuts); each prefers `way`; Barnet has a number."""
    area = f.area("Barnet", ("N3",), contact_phone="020 8359 2000")
    priya = f.user(
        Role.COOK,
        first_name="Priya",
        phone="07700 900123",
        preferred_contact=way,
        email="priya@example.org",
    )
    cook = f.cook(area, user=priya, address_line="2 Ballards Lane", postcode="N3 1AA")
    diner_kw.setdefault("carer", None)
    edna = f.diner(
        area,
        first_name="Edna",
        phone="07700 900456",
        preferred_contact=way,
        address_line="14 Long Lane",
        postcode="N3 2PU",
        allergen_mask=allergens_to_mask({"peanuts"}),
        access_notes="Knock loudly, the bell is broken.",
        **diner_kw,
    )
    pairing = f.pairing(cook, edna, PairingStatus.ACTIVE, distance_km=0.8)
    return area, priya, edna, pairing


def _every_message(pairing, priya, edna, database) -> None:
    """Queue each message people can get (those reachable without a full request)."""
    day = date(2026, 12, 7)
    report = SimpleNamespace(
        day=day, note="Not feeling well.", kind=VisitReport.COULD_NOT_COME, pairing=pairing
    )
    notifications.proposal_to_cook(pairing)
    notifications.acceptance_to_diner_side(pairing)
    notifications.active_to_both(pairing)
    notifications.at_risk_reminder(pairing, 12)
    notifications.allergies_changed_to_cook(pairing)
    notifications.paused_by_coordinator(pairing)
    notifications.break_notice(
        pairing,
        [priya],
        _l("%(name)s is taking a break from cooking", name="Priya"),
        _l("%(name)s has cancelled the break: meals go on as usual.", name="Priya"),
    )
    welfare_messages.pairing_changed(pairing, "paused", None)
    welfare_messages.withdrawn_by_suspension(pairing)
    welfare_messages.meal_day_reminder(pairing, day, reminders._allergen_text(edna))
    welfare_messages.missed_meal_nudge(pairing, day)
    welfare_messages.could_not_come(pairing, report)
    database.session.flush()


def test_texts_say_the_facts_and_fit_in_three_parts(app, database) -> None:
    area, priya, edna, pairing = _world(ContactWay.SMS)
    with app.test_request_context("/"):
        _every_message(pairing, priya, edna, database)
    texts = _messages(database, channel=ContactWay.SMS)
    kinds = {t.kind for t in texts}
    assert {"pairing_proposal_to_cook", "missed_meal_nudge", "pairing_paused_to_cook"} <= kinds
    for text in texts:
        body = text.text_body
        assert body.startswith(f"Casserole: {text.subject}\n"), body
        # More than the default's subject and link: the facts are in the text itself.
        assert len(body.splitlines()) >= 3, body
        assert "To talk to the coordinator, ring 020 8359 2000." in body, body
        assert len(body) <= LONGEST_TEXT, f"{text.kind} is {len(body)} characters:\n{body}"


def test_the_missed_meal_nudge_says_what_happened_and_what_to_do(app, database) -> None:
    _area, _priya, _edna, pairing = _world(ContactWay.SMS)
    with app.test_request_context("/"):
        welfare_messages.missed_meal_nudge(pairing, date(2026, 12, 7))
    [text] = _messages(database, kind="missed_meal_nudge")
    assert text.channel == ContactWay.SMS and text.to_phone == "07700 900123"
    body = text.text_body
    assert "Did you see Edna on Monday?" in body
    assert "Monday 7 December 2026 was Edna's usual meal day" in body
    assert "please log it" in body and "nobody answered" in body
    assert "ring 020 8359 2000" in body and f"/pairings/{pairing.id}" in body


def test_a_text_names_the_cooks_allergens_and_the_diners_address(app, database) -> None:
    _area, _priya, _edna, pairing = _world(ContactWay.SMS)
    with app.test_request_context("/"):
        notifications.proposal_to_cook(pairing)
        notifications.active_to_both(pairing)
    proposal, active = _messages(database, person_id=pairing.cook.user_id)
    assert "ALLERGY:" in proposal.text_body and "peanuts" in proposal.text_body.lower()
    assert "use the Casserole website or tell the coordinator" in proposal.text_body
    assert "14 Long Lane, N3 2PU" in active.text_body and "07700 900456" in active.text_body
    assert "Knock loudly" in active.text_body


def test_a_carer_who_prefers_texts_hears_what_to_do_in_a_welfare_check(app, database) -> None:
    carer = f.user(Role.CARER, first_name="Rahima", phone="07700 900789")
    carer.preferred_contact = ContactWay.SMS
    _area, _priya, _edna, pairing = _world(ContactWay.EMAIL, carer=carer)
    report = SimpleNamespace(
        day=date(2026, 12, 7), note="", kind=VisitReport.NOBODY_ANSWERED, pairing=pairing
    )
    check = SimpleNamespace(id=1, pairing=pairing)
    with app.test_request_context("/"):
        welfare_messages.welfare_check_opened(check, report, hours=4)
    [text] = _messages(database, kind="welfare_opened_to_carer")
    assert text.channel == ContactWay.SMS and text.to_phone == "07700 900789"
    body = text.text_body
    assert "went round on Monday 7 December 2026 and nobody answered the door" in body
    assert "Phone Edna on 07700 900456." in body and "Call 999 straight away" in body
    assert "ring 020 8359 2000" in body and len(body) <= LONGEST_TEXT + 153


def test_letters_without_their_own_carry_the_short_text_and_no_links(app, database) -> None:
    _area, priya, edna, pairing = _world(ContactWay.LETTER, user=None)
    with app.test_request_context("/"):
        _every_message(pairing, priya, edna, database)
    letters = _messages(database, channel=ContactWay.LETTER)
    assert {"pairing_proposal_to_cook", "missed_meal_nudge"} <= {x.kind for x in letters}
    for letter in letters:
        assert "http" not in letter.text_body, letter.text_body
        assert letter.text_body.startswith("Dear "), letter.text_body
    [nudge] = [x for x in letters if x.kind == "missed_meal_nudge"]
    assert "Dear Priya," in nudge.text_body and "Casserole, Barnet" in nudge.text_body
    assert "To talk to the coordinator, ring 020 8359 2000." in nudge.text_body
    assert nudge.postal_address.splitlines()[-1] == "N3 1AA"


def test_a_welsh_text_and_a_bengali_letter_are_drawn_in_their_language(app, database) -> None:
    _area, priya, edna, pairing = _world(ContactWay.SMS)
    priya.locale = "cy"
    with app.test_request_context("/"):
        welfare_messages.missed_meal_nudge(pairing, date(2026, 12, 7))
        edna.preferred_contact = ContactWay.LETTER
        edna.carer = f.user(Role.CARER, locale="bn")
        notifications.allergies_changed_to_cook(pairing)
        priya.locale = "bn"
        priya.preferred_contact = ContactWay.LETTER
        welfare_messages.missed_meal_nudge(pairing, date(2026, 12, 8))
    welsh, _allergies, bengali = _messages(database, person_id=priya.id)
    assert welsh.channel == ContactWay.SMS and "cydlynydd" in welsh.text_body
    assert "To talk to" not in welsh.text_body
    assert bengali.channel == ContactWay.LETTER and "সমন্বয়কারী" in bengali.text_body
    assert "http" not in bengali.text_body


def test_a_message_without_a_short_text_still_falls_back(app, database) -> None:
    _area, priya, _edna, _pairing = _world(ContactWay.SMS)
    assert not mail.has_own_text("test_message")
    with app.test_request_context("/"):
        notifications.tell([priya], "Hello", "test_message", kind="test", link="http://x/y")
    [text] = _messages(database, kind="test")
    assert text.text_body == "Casserole: Hello http://x/y"


def test_a_diner_without_an_account_hears_of_a_missed_meal_and_an_allergen(app, database) -> None:
    """Told by text in their own words ("your meal"), as their carer is by e-mail."""
    _area, _priya, edna, pairing = _world(ContactWay.SMS)
    report = SimpleNamespace(
        day=date(2026, 12, 7), note="", kind=VisitReport.COULD_NOT_COME, pairing=pairing
    )
    meal = SimpleNamespace(
        shared_on=date(2026, 12, 7), dish="Satay chicken", allergen_mask=edna.allergen_mask
    )
    with app.test_request_context("/"):
        assert welfare_messages.could_not_come(pairing, report) == 2
        assert notifications.allergen_alert_to_diner_side(pairing, meal, ["peanuts"]) == 2
        assert welfare_messages.pairing_changed(pairing, "ended", None) == 3
    texts = _messages(database, diner_id=edna.id, channel=ContactWay.SMS)
    assert [t.kind for t in texts] == [
        "could_not_come_to_diner",
        "allergen_alert_to_diner",
        "pairing_ended_to_diner",
    ]
    could_not, allergen, ended = (t.text_body for t in texts)
    assert "Priya could not bring your meal on Monday 7 December 2026." in could_not
    assert "Satay chicken" in allergen and "Please do not eat this meal." in allergen
    assert "call 999 at once" in allergen and "No more meals will come from Priya." in ended


def test_a_call_note_says_what_to_tell_them(app, database) -> None:
    _area, _priya, edna, pairing = _world(ContactWay.PHONE)
    with app.test_request_context("/"):
        welfare_messages.could_not_come(
            pairing,
            SimpleNamespace(
                day=date(2026, 12, 7), note="", kind=VisitReport.COULD_NOT_COME, pairing=pairing
            ),
        )
    [call] = _messages(database, diner_id=edna.id, channel=ContactWay.PHONE)
    first, *facts = call.text_body.splitlines()
    assert first == "Ring Edna on 07700 900456 about: Priya could not bring Edna's meal"
    assert "Priya could not bring your meal on Monday 7 December 2026." in facts
    assert "http" not in call.text_body
