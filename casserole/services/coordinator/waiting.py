"""The waiting list: diners without a cook, why the matcher left them, and what would help."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from casserole import clock
from casserole.formatting import day_list, miles, plural
from casserole.models import Area, DinerProfile
from casserole.models.vocab import (
    DIET_LABELS,
    allergen_names,
    mask_to_allergens,
    mask_to_days,
    mask_to_tags,
)
from casserole.pagination import PER_PAGE, Page, paginate
from casserole.services import matching as matcher
from casserole.services import matching_runs

# Matcher reasons need a full dry run of the matcher (about ten seconds for a city of 60,000
# people), so the last run's reasons per area are stored in the database (matching_runs) and
# shown with their time, the same in every process; "Run matching" or "Work the reasons out
# again" renews them. Small areas work them out on first view.
AUTO_REASONS_LIMIT = 5000

REASON_LABELS = {
    "no_cook_in_range": "No cook in range",
    "no_cook_for_needs": "No cook for their needs",
    "no_shared_day": "No shared day",
    "cooks_excluded": "Suitable cooks ruled out",
    "cooks_full": "Cooks are full",
    "match_available": "A cook is free: run matching",
}

ReasonSnapshot = matching_runs.ReasonSnapshot


def reasons_for(area: Area, refresh: bool = False) -> ReasonSnapshot | None:
    """The area's stored matcher reasons, worked out now if there are none or if asked.

    While another run for the area holds its lock, the stored ones (or None) are shown.
    """
    snap = matching_runs.latest_reasons(area)
    if refresh or snap is None:
        try:
            snap = matching_runs.compute_reasons(area)
        except matching_runs.MatchingBusy:
            if refresh:
                raise
    return snap


def refresh_reasons(area: Area) -> ReasonSnapshot | None:
    """Work out the area's waiting reasons again; MatchingBusy while a run holds the area."""
    return reasons_for(area, refresh=True)


@dataclass
class WaitingRow:
    """A diner without a cook, why, and what would help."""

    diner: DinerProfile
    waiting_days: int
    reason: str | None
    label: str
    explanation: str


def _needs_words(needs_mask: int) -> str:
    tags = sorted(mask_to_tags(needs_mask))
    return " and ".join(DIET_LABELS[t].lower() for t in tags)


def explain(
    reason: str | None,
    counts: tuple[int, int, int, int] | None,
    diner: DinerProfile,
) -> str:
    """A coordinator's sentence: why this diner waits and what would help."""
    reach = miles(diner.max_km)
    needs = _needs_words(diner.needs_mask)
    kind = f"{needs} " if needs else ""
    in_range, fit_needs, share_day, feasible = counts or (0, 0, 0, 0)
    if reason == "no_cook_in_range":
        return f"No vetted cook within {reach}. A cook near {diner.outcode} would help."
    if reason == "no_cook_for_needs":
        allergens = " and ".join(allergen_names(mask_to_allergens(diner.allergen_mask)))
        if allergens:
            wanted = (
                f"cooks {needs} and keeps out {allergens}" if needs else f"keeps out {allergens}"
            )
            return (
                f"{plural(in_range, 'cook')} within {reach}, none {wanted}. "
                f"A cook near {diner.outcode} who {wanted} would help."
            )
        return (
            f"{plural(in_range, 'cook')} within {reach}, "
            f"none cooks {needs or 'for their needs'}. "
            f"A {needs} cook near {diner.outcode} would help."
        )
    if reason == "no_shared_day":
        days = day_list(mask_to_days(diner.days_mask)) or "any day"
        return (
            f"{plural(fit_needs, kind + 'cook')} within {reach}, "
            f"none free on {days}. A cook free on one of those days would help."
        )
    if reason == "cooks_excluded":
        return (
            f"{plural(share_day, 'suitable cook')} within {reach} "
            f"{'was' if share_day == 1 else 'were'} declined or replaced before. "
            "Pair by hand or find another cook."
        )
    if reason == "cooks_full":
        return (
            f"{plural(feasible, kind + 'cook')} within {reach} "
            f"{'is' if feasible == 1 else 'are'} full. "
            "One more place with them, or a new cook nearby, would help."
        )
    if reason == "match_available":
        return "A suitable cook has room: run matching to propose them."
    return "Joined after the reasons were worked out: work them out again."


def waiting_conditions() -> list[Any]:
    """A diner the matcher may pair (agreed, a contact person, not erased, not died) who has
    no cook, live or proposed: the rule is `matching.matchable_conditions`."""
    return matcher.matchable_conditions(without_cook=True)


def waiting_filter(area: Area) -> list[Any]:
    """Diners of the area who agreed to join and have no cook, live or proposed."""
    return [DinerProfile.area_id == area.id, *waiting_conditions()]


def waiting_count_query(area: Area) -> Any:
    """A query counting the area's diners waiting for a cook now.

    A plain count: PostgreSQL turns NOT EXISTS into a hash anti-join only in WHERE.
    """
    return select(func.count()).select_from(DinerProfile).where(*waiting_filter(area))


def waiting_list(
    area: Area, page: int = 1, per_page: int = PER_PAGE
) -> tuple[Page, ReasonSnapshot | None]:
    """Diners without a cook, priority first then oldest, each with the matcher's last reason.

    Reasons come from the area's last matcher run; with none yet they are worked out now
    when the list is short, else the page offers to work them out (None here).
    """
    found = paginate(
        select(DinerProfile)
        .where(*waiting_filter(area))
        .order_by(
            DinerProfile.waiting_priority.desc(), DinerProfile.waiting_since, DinerProfile.id
        ),
        page,
        per_page,
        count=waiting_count_query(area),
        scalars=True,
    )
    snap = matching_runs.latest_reasons(area)
    if snap is None and found.total <= AUTO_REASONS_LIMIT:
        snap = reasons_for(area)
    now = clock.now()
    rows = []
    for diner in found.rows:
        reason = snap.reasons.get(diner.id) if snap else None
        rows.append(
            WaitingRow(
                diner=diner,
                waiting_days=max(0, (now - diner.waiting_since).days),
                reason=reason,
                label=REASON_LABELS.get(reason or "", "Not worked out yet"),
                explanation=explain(reason, snap.counts.get(diner.id), diner) if snap else "",
            )
        )
    found.rows = rows
    return found, snap
