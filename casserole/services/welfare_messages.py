"""Messages for missed meals, welfare checks, meal-day reminders and pairing changes.

Built on `notifications` (the one queue API): each function only adds messages to the
session; the caller commits them with the change they report, then calls `mail.dispatch()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casserole.extensions import db
from casserole.formatting import day_name
from casserole.links import public_url
from casserole.models import Area, DinerProfile, EndReason, Pairing, Role, User
from casserole.models.welfare import (
    VISIT_REPORT_LABELS,
    WELFARE_OUTCOME_LABELS,
    MealDayReport,
    VisitReport,
    WelfareCheck,
)
from casserole.services.mail import queue_email
from casserole.services.notifications import _send, coordinators_of, diner_side, offline_diner

# What the cook found, in words that follow "went round on <day> and ...".
FOUND_WORDS = {
    VisitReport.NOBODY_ANSWERED: _l("nobody answered the door"),
    VisitReport.SEEMED_UNWELL: _l("thought %(name)s seemed unwell"),
    VisitReport.COULD_NOT_COME: _l("could not come"),
}


def found_words(kind: VisitReport, diner_first_name: str) -> Any:
    """What the cook reported, in plain words (read in the language of the page or message)."""
    return LazyString(lambda: str(FOUND_WORDS[kind]) % {"name": diner_first_name})


def _report_label(kind: VisitReport) -> Any:
    """The report's label in lower case, read in the reader's language."""
    return LazyString(lambda: str(VISIT_REPORT_LABELS[kind]).lower())


def _unique(addresses: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for address in addresses:
        if address and address.lower() not in (s.lower() for s in seen):
            seen.append(address)
    return seen


def admins() -> list[str]:
    """E-mail addresses of every active admin."""
    return list(
        db.session.scalars(
            select(User.email)
            .where(User.role == Role.ADMIN, User.is_active_account.is_(True))
            .order_by(User.id)
        )
    )


def _carer(pairing: Pairing) -> User | None:
    carer = pairing.diner.carer
    return carer if carer is not None and carer.is_active_account else None


def _check_link(check: WelfareCheck) -> str:
    return public_url("coordinator.welfare_check", slug=check.pairing.area.slug, check_id=check.id)


def welfare_check_opened(check: WelfareCheck, report: MealDayReport, hours: int) -> int:
    """At once: the carer and the area's coordinators, each with what to do now."""
    pairing = check.pairing
    context: dict[str, Any] = {
        "diner": pairing.diner,
        "cook": pairing.cook.user,
        "area": pairing.area,
        "report": report,
        "found": found_words(report.kind, pairing.diner.first_name),
        "carer": _carer(pairing),
    }
    name = pairing.diner.first_name
    count = 0
    carer = context["carer"]
    if carer is not None:
        count += _send(
            [carer],
            _l(
                "Please check on %(name)s now: %(what)s",
                name=name,
                what=_report_label(report.kind),
            ),
            "welfare_opened_to_carer",
            "welfare_opened_to_carer",
            pairing,
            name=carer.first_name,
            **context,
        )
    count += _send(
        coordinators_of(pairing.area),
        f"Welfare check {check.id}: {name} ({pairing.area.name}), "
        f"{VISIT_REPORT_LABELS[report.kind].lower()}",
        "welfare_opened_to_coordinator",
        "welfare_opened_to_coordinator",
        pairing,
        check=check,
        check_link=_check_link(check),
        hours=hours,
        **context,
    )
    return count


def welfare_check_escalated(check: WelfareCheck, hours: int) -> int:
    """Every coordinator and admin of the area: a welfare check has had no outcome for hours."""
    pairing = check.pairing
    return _send(
        _unique([*coordinators_of(pairing.area), *admins()]),
        f"URGENT: welfare check {check.id} for {pairing.diner.first_name} "
        f"({pairing.area.name}) has been open {hours} hours with no outcome",
        "welfare_escalated",
        "welfare_escalated",
        pairing,
        check=check,
        hours=hours,
        diner=pairing.diner,
        carer=_carer(pairing),
        found=found_words(check.kind, pairing.diner.first_name),
        check_link=_check_link(check),
    )


def welfare_check_closed(check: WelfareCheck) -> int:
    """The cook who reported and the carer: the check is closed, and how it ended."""
    pairing = check.pairing
    outcome = WELFARE_OUTCOME_LABELS[check.outcome] if check.outcome else ""
    people = [pairing.cook.user, _carer(pairing)]
    count = 0
    for person in _unique_people(people):
        count += _send(
            [person],
            _l("Update on %(name)s: the welfare check is closed", name=pairing.diner.first_name),
            "welfare_closed",
            "welfare_closed",
            pairing,
            name=person.first_name,
            check=check,
            outcome=outcome,
            diner=pairing.diner,
        )
    return count


def _unique_people(people: Iterable[User | DinerProfile | None]) -> list[User | DinerProfile]:
    """Each person once; accounts only while active (a diner without one is told by letter,
    text or call, by their own choice)."""
    out: list[User | DinerProfile] = []
    for person in people:
        if person is None or person in out:
            continue
        if isinstance(person, DinerProfile) or person.is_active_account:
            out.append(person)
    return out


def could_not_come(pairing: Pairing, report: MealDayReport) -> int:
    """The diner's side: the cook could not come that day (so nobody waits in vain)."""
    count = 0
    for person in [*diner_side(pairing), *offline_diner(pairing)]:
        count += _send(
            [person],
            _l(
                "%(cook)s could not bring %(name)s's meal",
                cook=pairing.cook.user.first_name,
                name=pairing.diner.first_name,
            ),
            "could_not_come_to_diner",
            "could_not_come_to_diner",
            pairing,
            name=person.first_name,
            report=report,
            cook=pairing.cook.user,
            diner=pairing.diner,
            is_carer=isinstance(person, User) and person.id != pairing.diner.user_id,
        )
    return count


# Why a pairing ended, as the other side reads it.
END_WORDS = {
    EndReason.MOVED_AWAY: _l("moved away"),
    EndReason.HEALTH: _l("health"),
    EndReason.COOK_UNAVAILABLE: _l("the cook can no longer cook"),
    EndReason.DIFFERENT_COOK: _l("would like a different cook"),
    EndReason.DIED: _l("the diner has died"),
    EndReason.OTHER: _l("something else"),
}

# A change to a live pairing, in words that follow "<who> has ...".
CHANGE_WORDS = {
    "paused": _l("paused the meals"),
    "resumed": _l("restarted the meals"),
    "ended": _l("ended the pairing"),
}


def pairing_changed(pairing: Pairing, change: str, actor: Any, reason: str = "") -> int:
    """Everyone in the pairing but the person who acted: the cook, the diner and their carer."""
    diner_name = pairing.diner.first_name
    who: Any
    if actor is not None and getattr(actor, "role", None) in (Role.COORDINATOR, Role.ADMIN):
        who = _l("The coordinator for %(area)s", area=pairing.area.name)
    elif actor is not None and actor.id == pairing.cook.user_id:
        who = _l("%(cook)s, %(name)s's cook,", cook=pairing.cook.user.first_name, name=diner_name)
    elif actor is not None and actor.id == pairing.diner.user_id:
        who = diner_name
    elif actor is not None:
        who = _l("%(carer)s, %(name)s's carer,", carer=actor.first_name, name=diner_name)
    else:
        who = "Casserole"
    who_short = LazyString(lambda: str(who).rstrip(","))
    people = [pairing.cook.user, *diner_side(pairing), *offline_diner(pairing)]
    count = 0
    for person in _unique_people(people):
        acted = actor is not None and person.id == getattr(actor, "id", None)
        if isinstance(person, User) and acted:
            continue
        is_cook = isinstance(person, User) and person.id == pairing.cook.user_id
        count += _send(
            [person],
            _l(
                "%(name)s's meals: %(who)s has %(what)s",
                name=diner_name,
                who=who_short,
                what=CHANGE_WORDS[change],
            ),
            "pairing_changed",
            f"pairing_{change}_to_{'cook' if is_cook else 'diner'}",
            pairing,
            name=person.first_name,
            who=who,
            change=change,
            words=CHANGE_WORDS[change],
            reason=reason,
            is_cook=is_cook,
            diner=pairing.diner,
            cook=pairing.cook.user,
        )
    return count


def withdrawn_by_suspension(pairing: Pairing) -> int:
    """Whoever had already seen a proposal the coordinator withdrew (its cook was suspended)."""
    people: list[User | None] = []
    if pairing.approved_at is not None:
        people.append(pairing.cook.user)
    if pairing.cook_accepted_at is not None:
        people.extend([*diner_side(pairing), *offline_diner(pairing)])
    count = 0
    for person in _unique_people(people):
        count += _send(
            [person],
            _l("The introduction for %(name)s will not go ahead", name=pairing.diner.first_name),
            "pairing_withdrawn",
            "pairing_withdrawn",
            pairing,
            name=person.first_name,
            diner=pairing.diner,
            is_cook=isinstance(person, User) and person.id == pairing.cook.user_id,
        )
    return count


def meal_day_reminder(pairing: Pairing, day: date, allergens: Any) -> int:
    """The cook, the day before a usual meal day, with the diner's allergens."""
    cook = pairing.cook.user
    if not cook.is_active_account:
        return 0
    return _send(
        [cook],
        _l("Tomorrow is %(name)s's meal day", name=pairing.diner.first_name),
        "meal_day_reminder",
        "meal_day_reminder",
        pairing,
        name=cook.first_name,
        day=day,
        diner=pairing.diner,
        allergens=allergens,
        report_link=public_url("pairings.report_visit", pairing_id=pairing.id),
    )


def missed_meal_nudge(pairing: Pairing, day: date) -> int:
    """The cook: a usual meal day passed with no meal logged and nothing reported."""
    cook = pairing.cook.user
    if not cook.is_active_account:
        return 0
    return _send(
        [cook],
        _l(
            "Did you see %(name)s on %(day)s?",
            name=pairing.diner.first_name,
            day=LazyString(lambda: day_name(day.weekday())),
        ),
        "missed_meal_nudge",
        "missed_meal_nudge",
        pairing,
        name=cook.first_name,
        day=day,
        diner=pairing.diner,
        meal_link=public_url("pairings.log_meal", pairing_id=pairing.id),
        report_link=public_url("pairings.report_visit", pairing_id=pairing.id),
    )


def coordinator_digest(
    person: User,
    day: date,
    sections: list[tuple[Area, list[Pairing], list[WelfareCheck]]],
) -> int:
    """One coordinator's daily digest: per area, at-risk pairings and open welfare checks."""
    queue_email(
        person.email,
        f"Casserole daily digest for {day:%-d %B %Y}",
        "coordinator_digest",
        kind="coordinator_digest",
        person_id=person.id,
        name=person.first_name,
        day=day,
        sections=sections,
        pairing_link=lambda p: public_url("pairings.show", pairing_id=p.id),
        check_link=_check_link,
        console_link=lambda a: public_url("coordinator.area", slug=a.slug),
    )
    return 1
