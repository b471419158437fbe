"""Messages for each pairing step, to whoever must act next; queued with the change it reports.

Every function here only adds messages to the session: the caller commits them together
with the state change and then calls `mail.dispatch()`, so a rolled-back change sends
nothing and a failed send never breaks the request. Each recipient (an account, a diner
without one, or a bare e-mail address) is reached by their preferred channel, chosen by
`channels.reach_for`: e-mail, a text, a letter, or a line on the coordinators' call list.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from sqlalchemy import select

from casserole.extensions import db
from casserole.i18n import locale_of
from casserole.links import public_url
from casserole.models import Area, DinerProfile, Feedback, Pairing, Role, User, coordinator_areas
from casserole.services.channels import reach_for
from casserole.services.mail import queue_message

# Whom a message can be for: an account, a diner without one, or a bare e-mail address.
Recipient = User | DinerProfile | str


def diner_side(pairing: Pairing) -> list[User]:
    """The diner (if they have an account) and their carer: whoever speaks for the diner."""
    people = [pairing.diner.user, pairing.diner.carer]
    return [u for u in people if u is not None and u.is_active_account]


def offline_diner(pairing: Pairing) -> list[DinerProfile]:
    """The diner themself when they have no account but asked for letters, texts or calls."""
    diner = pairing.diner
    has_account = diner.user is not None and diner.user.is_active_account
    return [] if has_account or diner.preferred_contact is None else [diner]


def coordinators_of(area: Area) -> list[str]:
    """E-mail addresses of an area's coordinators, else the area's contact address."""
    emails = list(
        db.session.scalars(
            select(User.email)
            .join(coordinator_areas, coordinator_areas.c.user_id == User.id)
            .where(
                coordinator_areas.c.area_id == area.id,
                User.role == Role.COORDINATOR,
                User.is_active_account.is_(True),
            )
            .order_by(User.id)
        )
    )
    if not emails and area.contact_email:
        emails = [area.contact_email]
    return emails


def reader_locale(recipient: Recipient, reach: Any) -> str:
    """The language a message's reader chose: a diner without an account reads their carer's."""
    if isinstance(recipient, DinerProfile):
        return locale_of(recipient.user or recipient.carer)
    if isinstance(recipient, User):
        return locale_of(recipient)
    person_id = getattr(reach, "person_id", None)
    return locale_of(db.session.get(User, person_id) if person_id else None)


def _send(
    to: Iterable[Recipient],
    subject: str,
    template: str,
    kind: str,
    pairing: Pairing,
    **context: Any,
) -> int:
    """Queue one message per recipient, by their own channel and in their own language."""
    # A pairing step is `tell` with the pairing's area, record and link.
    return tell(
        to,
        subject,
        template,
        kind=kind,
        area_id=pairing.area_id,
        pairing_id=pairing.id,
        pairing=pairing,
        link=public_url("pairings.show", pairing_id=pairing.id),
        **context,
    )


def tell(
    to: Iterable[Recipient],
    subject: str,
    template: str,
    *,
    kind: str,
    area_id: int | None = None,
    **context: Any,
) -> int:
    """Queue a message not tied to one pairing (a reminder, a notice), each by their channel.

    For callers outside the pairing steps: `template` names `email/<template>.txt` (and
    optionally `sms/`, `letter/`, `call/` versions); pass `link=` for the SMS line.
    """
    count = 0
    for recipient in to:
        reach = reach_for(recipient)
        if reach is None:
            continue
        queue_message(
            reach,
            subject,
            template,
            kind=kind,
            area_id=area_id,
            locale=reader_locale(recipient, reach),
            **context,
        )
        count += 1
    return count


def proposal_to_cook(pairing: Pairing) -> int:
    """Ask the cook whether they would like to cook for this neighbour."""
    cook = pairing.cook.user
    return _send(
        [cook],
        _l("Would you like to cook for %(name)s?", name=pairing.diner.first_name),
        "pairing_proposal_to_cook",
        "pairing_proposal_to_cook",
        pairing,
        name=cook.first_name,
    )


def acceptance_to_diner_side(pairing: Pairing) -> int:
    """Tell the diner (or their carer) a cook has said yes and ask them to agree."""
    count = 0
    for person in [*diner_side(pairing), *offline_diner(pairing)]:
        count += _send(
            [person],
            _l(
                "%(cook)s would like to cook for %(name)s",
                cook=pairing.cook.user.first_name,
                name=pairing.diner.first_name,
            ),
            "pairing_acceptance_to_diner",
            "pairing_acceptance_to_diner",
            pairing,
            name=person.first_name,
            is_carer=isinstance(person, User) and person.id != pairing.diner.user_id,
        )
    return count


def active_to_both(pairing: Pairing) -> int:
    """Both sides: the pairing has started, with the contact details each now needs."""
    cook = pairing.cook.user
    count = _send(
        [cook],
        _l("You are now cooking for %(name)s", name=pairing.diner.first_name),
        "pairing_active_to_cook",
        "pairing_active_to_cook",
        pairing,
        name=cook.first_name,
        diner=pairing.diner,
    )
    for person in [*diner_side(pairing), *offline_diner(pairing)]:
        count += _send(
            [person],
            _l(
                "%(cook)s is now %(name)s's cook",
                cook=cook.first_name,
                name=pairing.diner.first_name,
            ),
            "pairing_active_to_diner",
            "pairing_active_to_diner",
            pairing,
            name=person.first_name,
            cook=cook,
        )
    return count


def at_risk_reminder(pairing: Pairing, quiet_days: int) -> int:
    """Both sides: no meal has been logged for a while; is everything all right?"""
    count = _send(
        [pairing.cook.user],
        _ln(
            "No meals logged with %(name)s for %(num)d day",
            "No meals logged with %(name)s for %(num)d days",
            quiet_days,
            name=pairing.diner.first_name,
        ),
        "pairing_at_risk_to_cook",
        "pairing_at_risk_to_cook",
        pairing,
        name=pairing.cook.user.first_name,
        quiet_days=quiet_days,
    )
    for person in [*diner_side(pairing), *offline_diner(pairing)]:
        count += _send(
            [person],
            _l("Is everything all right with %(name)s's meals?", name=pairing.diner.first_name),
            "pairing_at_risk_to_diner",
            "pairing_at_risk_to_diner",
            pairing,
            name=person.first_name,
            quiet_days=quiet_days,
        )
    return count


def concern_to_coordinators(pairing: Pairing, concern: Feedback, author: User) -> int:
    """The area's coordinators, at once: someone in a pairing has raised a concern."""
    urgent = "URGENT safeguarding concern" if concern.urgent else "Concern"
    return _send(
        coordinators_of(pairing.area),
        f"{urgent} raised about pairing {pairing.id} ({pairing.area.name})",
        "concern_to_coordinator",
        "concern_to_coordinator",
        pairing,
        concern=concern,
        author=author,
    )


def allergen_alert_to_diner_side(pairing: Pairing, meal: Any, clash: list[str]) -> int:
    """The diner and their carer, at once: a meal logged for them contains their allergen."""
    from casserole.formatting import word_list
    from casserole.services.pairings.allergens import allergen_clash

    # The allergens are named again in each reader's language, when their message is drawn.
    words = LazyString(lambda: word_list(allergen_clash(meal, pairing)) or word_list(clash))
    count = 0
    # A diner without an account who chose letters, texts or calls must hear it too.
    for person in [*diner_side(pairing), *offline_diner(pairing)]:
        count += _send(
            [person],
            _l(
                "Allergy warning: %(name)s's meal contained %(words)s",
                name=pairing.diner.first_name,
                words=words,
            ),
            "allergen_alert_to_diner",
            "allergen_alert_to_diner",
            pairing,
            name=person.first_name,
            meal=meal,
            clash=words,
            is_carer=isinstance(person, User) and person.id != pairing.diner.user_id,
        )
    return count


def allergies_changed_to_cook(pairing: Pairing) -> int:
    """The cook, at once: the diner's allergies have changed (listed in full)."""
    cook = pairing.cook.user
    if not cook.is_active_account:
        return 0
    return _send(
        [cook],
        _l("%(name)s's allergies have changed", name=pairing.diner.first_name),
        "allergies_changed_to_cook",
        "allergies_changed_to_cook",
        pairing,
        name=cook.first_name,
        diner=pairing.diner,
    )


def concern_resolved_to_author(concern: Feedback) -> int:
    """Whoever raised a concern hears that it has been resolved, and how."""
    author = concern.author
    if author is None or not author.is_active_account:
        return 0
    return _send(
        [author],
        _l(
            "Your concern about %(name)s's meals has been resolved",
            name=concern.pairing.diner.first_name,
        ),
        "concern_resolved_to_author",
        "concern_resolved_to_author",
        concern.pairing,
        concern=concern,
        name=author.first_name,
    )


def paused_by_coordinator(pairing: Pairing) -> int:
    """Both sides: the coordinator has paused the meals for now and will be in touch."""
    count = 0
    cook = pairing.cook.user
    if cook.is_active_account:
        count += _send(
            [cook],
            _l("Meals for %(name)s are paused for now", name=pairing.diner.first_name),
            "pairing_paused_by_coordinator",
            "pairing_paused_by_coordinator",
            pairing,
            name=cook.first_name,
            other=pairing.diner.first_name,
        )
    for person in [*diner_side(pairing), *offline_diner(pairing)]:
        count += _send(
            [person],
            _l("%(name)s's meals are paused for now", name=pairing.diner.first_name),
            "pairing_paused_by_coordinator",
            "pairing_paused_by_coordinator",
            pairing,
            name=person.first_name,
            other=pairing.cook.user.first_name,
        )
    return count


def declined_to_coordinators(pairing: Pairing, by: User) -> int:
    """The area's coordinators: a proposal was declined, so the diner needs another cook."""
    return _send(
        coordinators_of(pairing.area),
        f"Pairing {pairing.id} was declined ({pairing.area.name})",
        "pairing_declined_to_coordinator",
        "pairing_declined_to_coordinator",
        pairing,
        by=by,
    )


def death_to_others(pairing: Pairing, by: User) -> int:
    """A diner has died: the cook (or the diner's carer, if the cook told us), kindly.

    No feedback is asked for; the cook is offered a call with the coordinator, whose own
    e-mail (ended_to_coordinators) asks them to ring the cook.
    """
    cook = pairing.cook.user
    people = [cook] if cook.id != by.id else []
    people += [p for p in diner_side(pairing) if p.id != by.id and p.id != pairing.diner.user_id]
    count = 0
    for person in people:
        if not person.is_active_account:
            continue
        count += _send(
            [person],
            _l("Sad news about %(name)s", name=pairing.diner.first_name),
            "pairing_death_to_cook",
            "pairing_death_to_cook",
            pairing,
            name=person.first_name,
            is_cook=person.id == cook.id,
            area=pairing.area,
        )
    return count


def ended_to_coordinators(pairing: Pairing, by: User) -> int:
    """The area's coordinators: a pairing ended (a diner wanting a new cook needs one soon)."""
    return _send(
        coordinators_of(pairing.area),
        f"Pairing {pairing.id} has ended ({pairing.area.name})",
        "pairing_ended_to_coordinator",
        "pairing_ended_to_coordinator",
        pairing,
        by=by,
    )


def break_notice(
    pairing: Pairing, people: Iterable[User | DinerProfile], subject: Any, *paragraphs: Any
) -> int:
    """A cook's break in plain words (planned, stand-in found, ended) to each person given.

    Pass lazy texts (`_l(...)`): each reader's message is drawn in their own language. A
    diner without an account (`offline_diner`) is reached by the letter, text or call
    they chose.
    """
    count = 0
    for person in people:
        if person is None or (isinstance(person, User) and not person.is_active_account):
            continue
        count += _send(
            [person],
            subject,
            "break_notice",
            "pairing_break_notice",
            pairing,
            name=person.first_name,
            paragraphs=paragraphs,
        )
    return count


def break_notice_to_coordinators(pairing: Pairing, subject: str, *paragraphs: str) -> int:
    """The area's coordinators: a break left a diner without a stand-in cook."""
    return _send(
        coordinators_of(pairing.area),
        subject,
        "break_notice",
        "pairing_break_notice",
        pairing,
        name="coordinator",
        paragraphs=paragraphs,
    )
