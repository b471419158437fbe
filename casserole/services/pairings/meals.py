"""Meal shares, their confirmation, feedback and concerns: the voice of both sides."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from casserole import clock
from casserole.extensions import db
from casserole.formatting import long_date
from casserole.models import ConcernStatus, Feedback, MealShare, Pairing, utcnow
from casserole.models.vocab import ALLERGENS, allergens_to_mask
from casserole.services import audit, notifications
from casserole.services.pairings.allergens import allergen_clash
from casserole.services.pairings.lifecycle import commit
from casserole.services.pairings.reach import load
from casserole.services.pairings.states import Action, NotFound, PairingError, authorise


def stand_in_days(pairing: Pairing) -> tuple[date, date] | None:
    """A stand-in's first and last day (its break's, both included); None for a regular pairing."""
    if pairing.is_stand_in and pairing.first_day and pairing.last_day:
        return pairing.first_day, pairing.last_day
    return None


def default_meal_day(pairing: Pairing, today: date) -> date | None:
    """The meal form's first date: today, kept within a stand-in's days (None before them)."""
    days = stand_in_days(pairing)
    if days is None:
        return today
    if today < days[0]:
        return None
    return min(today, days[1])


def log_meal(
    pairing_id: int,
    actor: Any,
    shared_on: date,
    dish: str,
    allergen_note: str = "",
    now: datetime | None = None,
    client_address: str | None = None,
    allergens: Iterable[str] = (),
) -> MealShare:
    """The cook records a meal they took round, with which of the 14 allergens it contained.

    A meal containing one of the diner's allergens is still recorded (it has happened) and
    at once raised as an urgent safety concern: the area's coordinators and the diner's
    side are told, in the same commit (`allergens.allergen_clash(meal, pairing)` says which).
    """
    now = now or utcnow()
    allergens = set(allergens)
    dish, allergen_note = (dish or "").strip(), (allergen_note or "").strip()
    pairing, sides = load(pairing_id, actor, lock=True)
    authorise(Action.LOG_MEAL, pairing.status, sides)
    if not dish:
        raise PairingError(gettext("Say what you cooked."), field="dish")
    if len(dish) > 200 or len(allergen_note) > 300:
        raise PairingError(gettext("That is too long to keep; please shorten it."), field="dish")
    if shared_on > clock.local_date(now):
        raise PairingError(gettext("The date cannot be in the future."), field="shared_on")
    if (days := stand_in_days(pairing)) and not days[0] <= shared_on <= days[1]:
        # A stand-in may be agreed before the break starts and outlive it by a day (the
        # daily job ends it): its meals belong only to the break it covers.
        raise PairingError(
            gettext(
                "Choose a day from %(first)s to %(last)s: you are standing in on those days only.",
                first=long_date(days[0]),
                last=long_date(days[1]),
            ),
            field="shared_on",
        )
    assert pairing.started_at is not None  # live pairings always have one
    if shared_on < clock.local_date(pairing.started_at):
        raise PairingError(
            gettext("The date is before you started cooking together."), field="shared_on"
        )
    if any(m.shared_on == shared_on for m in pairing.meals):
        raise PairingError(
            gettext("You have already logged a meal on that day."), field="shared_on"
        )
    if allergens - set(ALLERGENS):
        raise PairingError(gettext("Choose from the allergens shown."), field="allergens")
    meal = MealShare(
        shared_on=shared_on,
        dish=dish,
        allergen_note=allergen_note,
        allergen_mask=allergens_to_mask(allergens),
        logged_by_id=actor.id,
        logged_at=now,
    )
    pairing.meals.append(meal)
    db.session.flush()
    audit.record(
        "pairing.log_meal", pairing, actor=actor, client_address=client_address, meal_id=meal.id
    )
    clash = allergen_clash(meal, pairing)
    if clash:
        _allergen_concern(pairing, meal, clash, actor, now, client_address)
    commit()
    return meal


def _allergen_concern(
    pairing: Pairing,
    meal: MealShare,
    clash: list[str],
    actor: Any,
    now: datetime,
    client_address: str | None,
) -> Feedback:
    """An urgent concern for a meal with the diner's allergen in it; everyone is told."""
    diner = pairing.diner
    words = " and ".join(clash)
    concern = Feedback(
        pairing_id=pairing.id,
        meal_share_id=meal.id,
        author_id=actor.id,
        comment=(
            f"ALLERGEN ALERT: the meal of {long_date(meal.shared_on)} ({meal.dish}) contains "
            f"{words}, and {diner.first_name} is allergic to {words}. "
            f"Logged by the cook, {actor.display_name}. Check on {diner.first_name} today."
        )[:4000],
        is_concern=True,
        concern_status=ConcernStatus.NEW,
        urgent=True,
        created_at=now,
    )
    db.session.add(concern)
    db.session.flush()
    audit.record(
        "pairing.allergen_alert",
        pairing,
        actor=actor,
        client_address=client_address,
        feedback_id=concern.id,
        meal_id=meal.id,
    )
    notifications.concern_to_coordinators(pairing, concern, actor)
    notifications.allergen_alert_to_diner_side(pairing, meal, clash)
    return concern


def confirm_meal(
    pairing_id: int,
    meal_id: int,
    actor: Any,
    now: datetime | None = None,
    client_address: str | None = None,
) -> MealShare:
    """The diner or their carer confirms a meal arrived (confirming twice changes nothing)."""
    now = now or utcnow()
    pairing, sides = load(pairing_id, actor, lock=True)
    authorise(Action.CONFIRM_MEAL, pairing.status, sides)
    meal = db.session.scalar(
        select(MealShare).where(MealShare.id == meal_id, MealShare.pairing_id == pairing.id)
    )
    if meal is None:
        raise NotFound("We could not find that meal.")
    if meal.confirmed_at is None:
        meal.confirmed_at, meal.confirmed_by_id = now, actor.id
        audit.record(
            "pairing.confirm_meal",
            pairing,
            actor=actor,
            client_address=client_address,
            meal_id=meal.id,
        )
        commit()
    return meal


def leave_feedback(
    pairing_id: int,
    actor: Any,
    rating: int,
    comment: str = "",
    meal_id: int | None = None,
    now: datetime | None = None,
    client_address: str | None = None,
) -> Feedback:
    """A rating from 1 to 5 and a comment, from either side."""
    now = now or utcnow()
    pairing, sides = load(pairing_id, actor)
    authorise(Action.FEEDBACK, pairing.status, sides)
    if rating not in range(1, 6):
        raise PairingError(gettext("Choose how it went, from 1 to 5."), field="rating")
    if meal_id is not None and not any(m.id == meal_id for m in pairing.meals):
        raise NotFound("We could not find that meal.")
    feedback = Feedback(
        pairing_id=pairing.id,
        meal_share_id=meal_id,
        author_id=actor.id,
        rating=rating,
        comment=(comment or "").strip()[:2000],
        created_at=now,
    )
    db.session.add(feedback)
    db.session.flush()
    audit.record(
        "pairing.feedback",
        pairing,
        actor=actor,
        client_address=client_address,
        feedback_id=feedback.id,
    )
    commit()
    return feedback


def raise_concern(
    pairing_id: int,
    actor: Any,
    comment: str,
    now: datetime | None = None,
    client_address: str | None = None,
    urgent: bool = False,
) -> Feedback:
    """Either side tells the area's coordinators something is wrong; they hear at once."""
    now = now or utcnow()
    comment = (comment or "").strip()
    pairing, sides = load(pairing_id, actor)
    authorise(Action.CONCERN, pairing.status, sides)
    if not comment:
        raise PairingError(gettext("Tell us what is wrong."), field="comment")
    concern = Feedback(
        pairing_id=pairing.id,
        author_id=actor.id,
        comment=comment[:4000],
        is_concern=True,
        concern_status=ConcernStatus.NEW,
        urgent=urgent,
        created_at=now,
    )
    db.session.add(concern)
    db.session.flush()
    audit.record(
        "pairing.concern",
        pairing,
        actor=actor,
        client_address=client_address,
        feedback_id=concern.id,
    )
    notifications.concern_to_coordinators(pairing, concern, actor)
    commit()
    return concern
