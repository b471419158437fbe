"""Which areas the public pages and the API list, and each area's waiting list in counts."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from casserole.extensions import db
from casserole.models import Area, DinerProfile
from casserole.services import disclosure
from casserole.services.coordinator import waiting


def all_areas() -> list[Area]:
    """Every area, by name."""
    return list(db.session.scalars(select(Area).order_by(Area.name)))


def area_by_slug(slug: str) -> Area | None:
    """The area with this slug, or None."""
    return db.session.scalar(select(Area).where(Area.slug == slug))


def waiting_counts(area: Area) -> dict[str, str]:
    """Diners waiting now, in total and by the matcher's reason, as published counts.

    Each count follows the rule ("fewer than 10"). Reasons come from the matcher's last run;
    small areas work them out on the spot, as the coordinator's waiting list does.
    """
    total = db.session.scalar(waiting.waiting_count_query(area)) or 0
    waiting_ids = set(
        db.session.scalars(select(DinerProfile.id).where(*waiting.waiting_filter(area)))
    )
    snap = (
        waiting.reasons_for(area)
        if total <= waiting.AUTO_REASONS_LIMIT
        else waiting.matching_runs.latest_reasons(area)
    )
    tally: Counter[str] = Counter()
    if snap is not None:
        tally.update(r for diner, r in snap.reasons.items() if diner in waiting_ids)
    out = {"total": disclosure.figure(total)}
    for reason in waiting.REASON_LABELS:
        out[reason] = disclosure.figure(tally.get(reason, 0))
    return out


def area_by_id(area_id: int | None) -> Area | None:
    """The area with this id, or None."""
    return db.session.get(Area, area_id) if area_id is not None else None
