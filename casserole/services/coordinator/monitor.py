"""The pairing monitor: pairings of an area by state, with rhythm, concerns and the at-risk list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Date, and_, case, func, literal, select
from sqlalchemy.orm import aliased

from casserole import clock
from casserole.extensions import db
from casserole.models import (
    Area,
    CookProfile,
    DinerProfile,
    Feedback,
    MealShare,
    Pairing,
    PairingPause,
    PairingStatus,
    User,
)
from casserole.models.vocab import END_REASON_LABELS, LIVE_STATUSES, STARTED_STATUSES
from casserole.pagination import PER_PAGE, Page, paginate
from casserole.services import stats
from casserole.services.coordinator.dialect import day_number, greatest, is_sqlite

MONITOR_VIEWS = {
    "live": "Active and paused",
    "active": "Active",
    "paused": "Paused",
    "at_risk": "At risk",
    "lapsed": "Cook's checks lapsed",
    "ended": "Ended",
    "all": "All",
}
_VIEW_STATUSES = {
    "live": list(LIVE_STATUSES),
    "active": [PairingStatus.ACTIVE],
    "paused": [PairingStatus.PAUSED],
    "ended": [PairingStatus.ENDED],
    "all": list(STARTED_STATUSES),
}


def _meal_facts(chosen: list[Any]) -> tuple[Any, Any, Any, Any]:
    """Per chosen pairing: meal count, first and last meal day, and the FROM clause to use."""
    if is_sqlite():
        # SQLite answers min/max/count per pairing from the (pairing_id, shared_on) index
        # with a few seeks each; it has no hash aggregate, so a GROUP BY would sort every meal.
        def per_pairing(fn: Any) -> Any:
            return select(fn).where(MealShare.pairing_id == Pairing.id).scalar_subquery()

        return (
            per_pairing(func.count(MealShare.id)),
            per_pairing(func.min(MealShare.shared_on)),
            per_pairing(func.max(MealShare.shared_on)),
            Pairing,
        )
    # PostgreSQL hash-aggregates the meals once; correlated subqueries run per row.
    agg = (
        select(
            MealShare.pairing_id.label("pid"),
            func.count(MealShare.id).label("n"),
            func.min(MealShare.shared_on).label("first"),
            func.max(MealShare.shared_on).label("last"),
        )
        .where(MealShare.pairing_id.in_(select(Pairing.id).where(*chosen)))
        .group_by(MealShare.pairing_id)
        .subquery()
    )
    source = Pairing.__table__.outerjoin(agg, agg.c.pid == Pairing.id)
    return func.coalesce(agg.c.n, 0), agg.c.first, agg.c.last, source


def at_risk_query(area: Area, today: date) -> Any:
    """Ids of the area's active pairings whose meals have stopped, computed in SQL.

    The rule itself is stats.at_risk_rule (the owner, shared with stats.rhythm); this only
    gathers its inputs per pairing. Quiet counts from the last meal, the start, or the end
    of the last pause, whichever is latest, as in stats.rhythm.
    """
    chosen = [Pairing.area_id == area.id, Pairing.status == PairingStatus.ACTIVE]
    resumed = (
        select(func.max(PairingPause.ended_at))
        .where(PairingPause.pairing_id == Pairing.id)
        .scalar_subquery()
    )
    n, first, last, source = _meal_facts(chosen)
    facts = (
        select(
            Pairing.id.label("id"),
            Pairing.started_at.label("started_at"),
            n.label("n"),
            day_number(first).label("first_day"),
            day_number(last).label("last_day"),
            day_number(resumed).label("resume_day"),
            day_number(Pairing.started_at).label("start_day"),
        )
        .select_from(source)
        .where(*chosen)
        .subquery()
    )
    start = facts.c.start_day
    quiet_since = greatest(
        func.coalesce(facts.c.last_day, start), start, func.coalesce(facts.c.resume_day, start)
    )
    quiet = day_number(literal(today, Date)) - quiet_since
    risky = stats.at_risk_clause(facts.c.n, facts.c.first_day, facts.c.last_day, quiet)
    return select(facts.c.id).where(risky).order_by(facts.c.started_at, facts.c.id)


def at_risk_ids(area: Area, today: date | None = None) -> list[int]:
    """Active pairings of the area at risk, oldest first, in one query."""
    return list(db.session.scalars(at_risk_query(area, today or clock.today())))


@dataclass
class MonitorRow:
    """One pairing in the monitor."""

    pairing: Pairing
    cook_name: str
    diner_name: str
    rhythm: stats.Rhythm | None
    concerns: int
    at_risk: bool
    feedback: int = 0
    end_reason: str = ""
    # A live pairing whose cook's checks are no longer all current (CookProfile.is_vetted).
    checks_lapsed: bool = False


@dataclass
class Monitor:
    """A page of the monitor with the counts behind its filter tabs."""

    view: str
    page: Page
    counts: dict[str, int] = field(default_factory=dict)


def _feedback_counts(pairing_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per pairing: (open concerns, feedback that is not a concern), in one query."""
    if not pairing_ids:
        return {}
    open_concern = and_(Feedback.is_concern.is_(True), Feedback.resolved_at.is_(None))
    stmt = (
        select(
            Feedback.pairing_id,
            func.count(case((open_concern, 1))),
            func.count(case((Feedback.is_concern.is_(False), 1))),
        )
        .where(Feedback.pairing_id.in_(pairing_ids))
        .group_by(Feedback.pairing_id)
    )
    return {pid: (concerns, notes) for pid, concerns, notes in db.session.execute(stmt).all()}


def _open_concerns(pairing_ids: list[int]) -> dict[int, int]:
    """Per pairing with any: how many concerns are still open."""
    return {pid: c for pid, (c, _) in _feedback_counts(pairing_ids).items() if c}


def _lapsed_where(area: Area, today: date) -> list[Any]:
    """Live pairings of the area whose cook is not vetted today (the owner's SQL rule)."""
    lapsed_cooks = select(CookProfile.id).where(
        CookProfile.area_id == area.id, ~CookProfile.is_vetted(today)
    )
    return [
        Pairing.area_id == area.id,
        Pairing.status.in_(LIVE_STATUSES),
        Pairing.cook_id.in_(lapsed_cooks),
    ]


def lapsed_count(area: Area, today: date | None = None) -> int:
    """How many live pairings of the area have a cook whose checks have lapsed."""
    where = _lapsed_where(area, today or clock.today())
    return db.session.scalar(select(func.count()).select_from(Pairing).where(*where)) or 0


def monitor(area: Area, view: str = "live", page: int = 1, per_page: int = PER_PAGE) -> Monitor:
    """Pairings of an area by state, paginated, with rhythm and concerns; fixed query count."""
    now = clock.now()
    by_status = dict(
        db.session.execute(
            select(Pairing.status, func.count())
            .where(Pairing.area_id == area.id)
            .group_by(Pairing.status)
        ).all()
    )
    counts = {
        name: sum(by_status.get(s, 0) for s in statuses)
        for name, statuses in _VIEW_STATUSES.items()
    }
    today = clock.local_date(now)
    counts["lapsed"] = lapsed_count(area, today)
    cook_user = aliased(User)
    stmt = (
        select(Pairing, cook_user, DinerProfile)
        .join(CookProfile, CookProfile.id == Pairing.cook_id)
        .join(cook_user, cook_user.id == CookProfile.user_id)
        .join(DinerProfile, DinerProfile.id == Pairing.diner_id)
        .order_by(Pairing.started_at.desc(), Pairing.id.desc())
    )
    if view == "at_risk":
        # Finding every at-risk pairing reads every meal of the area: only this view pays
        # for it; the other views flag at-risk rows of their page from each row's rhythm.
        risky = at_risk_ids(area, clock.local_date(now))
        counts["at_risk"] = len(risky)
        found = Page([], len(risky), page, per_page)
        ids = risky[found.offset : found.offset + per_page]
        found.rows = list(db.session.execute(stmt.where(Pairing.id.in_(ids))).all())
    elif view == "lapsed":
        lapsed_rows = stmt.where(*_lapsed_where(area, today))
        found = paginate(lapsed_rows, page, per_page, count=counts[view])
    else:
        where = [Pairing.area_id == area.id, Pairing.status.in_(_VIEW_STATUSES[view])]
        found = paginate(stmt.where(*where), page, per_page, count=counts[view])
    page_ids = [p.id for p, _, _ in found.rows]
    page_cooks = {p.cook_id for p, _, _ in found.rows if p.status in LIVE_STATUSES}
    lapsed = (
        set(
            db.session.scalars(
                select(CookProfile.id).where(
                    CookProfile.id.in_(page_cooks), ~CookProfile.is_vetted(today)
                )
            )
        )
        if page_cooks
        else set()
    )
    rhythms = stats.rhythms(page_ids, now=now) if page_ids else {}
    counts_by_pairing = _feedback_counts(page_ids)
    found.rows = [
        MonitorRow(
            pairing=p,
            cook_name=cook.display_name,
            diner_name=diner.display_name,
            rhythm=rhythms.get(p.id),
            concerns=counts_by_pairing.get(p.id, (0, 0))[0],
            feedback=counts_by_pairing.get(p.id, (0, 0))[1],
            at_risk=bool(rhythms.get(p.id) and rhythms[p.id].at_risk),
            end_reason=END_REASON_LABELS.get(p.end_reason, "") if p.end_reason else "",
            checks_lapsed=p.status in LIVE_STATUSES and p.cook_id in lapsed,
        )
        for p, cook, diner in found.rows
    ]
    return Monitor(view=view, page=found, counts=counts)
