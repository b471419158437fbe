"""The coordinator's console: area scoping, waiting list with reasons, proposals, monitor, map."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Date, Float, and_, case, cast, exists, func, literal, or_, select
from sqlalchemy.orm import aliased

from casserole.access import area_ids_for, can_see_area
from casserole.extensions import db
from casserole.formatting import day_list, miles
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
    utcnow,
)
from casserole.models.vocab import (
    DIET_LABELS,
    LIVE_STATUSES,
    OPEN_PROPOSAL_STATUSES,
    mask_to_days,
    mask_to_tags,
)
from casserole.services import audit, stats
from casserole.services import matching as matcher

PER_PAGE = 25
# Matcher reasons need a full dry run of the matcher (about ten seconds for a city of 60,000
# people), so the last run per area is kept in memory and shown with its time; "Run matching"
# or "Work the reasons out again" renews it. Small areas work them out on first view.
AUTO_REASONS_LIMIT = 5000


# ---------------------------------------------------------------- scoping


def areas_for(user: Any) -> list[Area]:
    """The areas `user` coordinates (every area for an admin), by name."""
    allowed = area_ids_for(user)
    stmt = select(Area).order_by(Area.name)
    if allowed is not None:
        stmt = stmt.where(Area.id.in_(sorted(allowed)))
    return list(db.session.scalars(stmt))


def area_for(user: Any, slug: str) -> Area | None:
    """The area called `slug` if `user` may see it; None otherwise (the view answers 404)."""
    area = db.session.scalar(select(Area).where(Area.slug == slug))
    if area is None or not can_see_area(user, area.id):
        return None
    return area


def cook_in(area: Area, cook_id: int) -> CookProfile | None:
    """A cook of this area, or None (never a cook of another area)."""
    cook = db.session.get(CookProfile, cook_id)
    return cook if cook is not None and cook.area_id == area.id else None


def pairing_in(area: Area, pairing_id: int) -> Pairing | None:
    """A pairing of this area, or None."""
    pairing = db.session.get(Pairing, pairing_id)
    return pairing if pairing is not None and pairing.area_id == area.id else None


@dataclass
class Page:
    """One page of a long list."""

    rows: list[Any]
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        """Number of pages (at least one)."""
        return max(1, -(-self.total // self.per_page))


# ---------------------------------------------------------------- SQL date arithmetic


def day_number(expr: Any) -> Any:
    """A date or timestamp as a whole day count, comparable across rows, on both engines."""
    if db.engine.dialect.name == "sqlite":
        return func.julianday(func.date(expr))
    return func.extract("epoch", cast(expr, Date)) / 86400


def epoch_seconds(expr: Any) -> Any:
    """A stored UTC timestamp as seconds since 1970, computed by the database."""
    if db.engine.dialect.name == "sqlite":
        return (func.julianday(expr) - 2440587.5) * 86400.0
    return cast(func.extract("epoch", expr), Float)


def _sql_max(*exprs: Any) -> Any:
    """The largest of several non-null expressions (SQLite's scalar max, PostgreSQL greatest)."""
    if db.engine.dialect.name == "sqlite":
        return func.max(*exprs)
    return func.greatest(*exprs)


# ---------------------------------------------------------------- waiting list


REASON_LABELS = {
    "no_cook_in_range": "No cook in range",
    "no_cook_for_needs": "No cook for their needs",
    "no_shared_day": "No shared day",
    "cooks_excluded": "Suitable cooks ruled out",
    "cooks_full": "Cooks are full",
    "match_available": "A cook is free: run matching",
}


ReasonSnapshot = matcher.ReasonSnapshot
# One dry run per area at a time: a second request waits for the first one's answer rather
# than running the matcher again; other areas are not held up.
_reasons_locks: dict[int, threading.Lock] = defaultdict(threading.Lock)


def reasons_for(area: Area, refresh: bool = False) -> ReasonSnapshot:
    """The area's last matcher reasons, worked out now if there are none or if asked."""
    with _reasons_locks[area.id]:
        snap = matcher.last_reasons(area)
        if refresh or snap is None:
            snap = matcher.waiting_details(area)
        return snap


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
        return (
            f"{in_range} {'cook' if in_range == 1 else 'cooks'} within {reach}, "
            f"none cooks {needs or 'for their needs'}. "
            f"A {needs} cook near {diner.outcode} would help."
        )
    if reason == "no_shared_day":
        days = day_list(mask_to_days(diner.days_mask)) or "any day"
        return (
            f"{fit_needs} {kind}{'cook' if fit_needs == 1 else 'cooks'} within {reach}, "
            f"none free on {days}. A cook free on one of those days would help."
        )
    if reason == "cooks_excluded":
        return (
            f"{share_day} suitable {'cook' if share_day == 1 else 'cooks'} within {reach} "
            "were declined or replaced before. Pair by hand or find another cook."
        )
    if reason == "cooks_full":
        verb = "is" if feasible == 1 else "are"
        return (
            f"{feasible} {kind}{'cook' if feasible == 1 else 'cooks'} within {reach} {verb} full. "
            "One more place with them, or a new cook nearby, would help."
        )
    if reason == "match_available":
        return "A suitable cook has room: run matching to propose them."
    return "Joined after the reasons were worked out: work them out again."


def refresh_reasons(area: Area) -> ReasonSnapshot:
    """Work out the area's waiting reasons again (a matcher dry run; nothing is written)."""
    return reasons_for(area, refresh=True)


def waiting_conditions() -> list[Any]:
    """A diner who agreed to join and has no cook, live or proposed."""
    taken = exists().where(
        Pairing.diner_id == DinerProfile.id,
        Pairing.status.in_([*LIVE_STATUSES, *OPEN_PROPOSAL_STATUSES]),
    )
    return [DinerProfile.consent_at.is_not(None), ~taken]


def _waiting_filter(area: Area) -> list[Any]:
    """Diners of the area who agreed to join and have no cook, live or proposed."""
    return [DinerProfile.area_id == area.id, *waiting_conditions()]


def waiting_list(
    area: Area, page: int = 1, per_page: int = PER_PAGE
) -> tuple[Page, ReasonSnapshot | None]:
    """Diners without a cook, oldest first, each with the matcher's last reason (two queries).

    Reasons come from the area's last matcher run; with none yet they are worked out now
    when the list is short, else the page offers to work them out (None here).
    """
    where = _waiting_filter(area)
    total = db.session.scalar(select(func.count()).select_from(DinerProfile).where(*where)) or 0
    diners = db.session.scalars(
        select(DinerProfile)
        .where(*where)
        .order_by(DinerProfile.waiting_since, DinerProfile.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    snap = matcher.last_reasons(area)
    if snap is None and total <= AUTO_REASONS_LIMIT:
        snap = reasons_for(area)
    now = utcnow()
    rows = []
    for diner in diners:
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
    return Page(rows, total, page, per_page), snap


# ---------------------------------------------------------------- proposals


@dataclass
class ProposalRow:
    """A proposal for review: who, how far, which days, which needs."""

    pairing: Pairing
    cook_name: str
    diner_name: str
    diner_outcode: str
    shared_days: str
    needs: list[str]
    needs_covered: bool


def proposals(area: Area, page: int = 1, per_page: int = 50) -> Page:
    """Proposals waiting for the coordinator's approval, oldest first (two queries)."""
    where = [Pairing.area_id == area.id, Pairing.status == PairingStatus.PROPOSED]
    total = db.session.scalar(select(func.count()).select_from(Pairing).where(*where)) or 0
    cook_user = aliased(User)
    rows = db.session.execute(
        select(Pairing, CookProfile, cook_user, DinerProfile)
        .join(CookProfile, CookProfile.id == Pairing.cook_id)
        .join(cook_user, cook_user.id == CookProfile.user_id)
        .join(DinerProfile, DinerProfile.id == Pairing.diner_id)
        .where(*where)
        .order_by(Pairing.proposed_at, Pairing.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    out = []
    for pairing, cook, user, diner in rows:
        needs = sorted(mask_to_tags(diner.needs_mask))
        out.append(
            ProposalRow(
                pairing=pairing,
                cook_name=user.display_name,
                diner_name=diner.display_name,
                diner_outcode=diner.outcode,
                shared_days=day_list(mask_to_days(cook.days_mask & diner.days_mask)) or "none",
                needs=[DIET_LABELS[t] for t in needs],
                needs_covered=not (diner.needs_mask & ~cook.can_cook_mask),
            )
        )
    return Page(out, total, page, per_page)


def open_proposal_ids(area: Area) -> list[int]:
    """Every proposal of the area awaiting approval."""
    return list(
        db.session.scalars(
            select(Pairing.id)
            .where(Pairing.area_id == area.id, Pairing.status == PairingStatus.PROPOSED)
            .order_by(Pairing.id)
        )
    )


@dataclass
class ApproveResult:
    """How many proposals were approved, and why any could not be."""

    approved: int = 0
    problems: list[str] = field(default_factory=list)


def approve_proposals(area: Area, ids: list[int], actor: Any) -> ApproveResult:
    """Approve proposals of this area one by one (each asks its cook); others are refused.

    Each approval is its own transaction in the pairings service, so one that cannot go
    (the diner found a cook meanwhile) leaves the others approved and says why.
    """
    from casserole.services import pairings

    result = ApproveResult()
    wanted = sorted(set(ids))
    mine = set(
        db.session.scalars(
            select(Pairing.id).where(
                Pairing.id.in_(wanted),
                Pairing.area_id == area.id,
                Pairing.status == PairingStatus.PROPOSED,
            )
        )
    )
    if len(mine) < len(wanted):
        missing = len(wanted) - len(mine)
        result.problems.append(
            f"{missing} of the chosen proposals {'is' if missing == 1 else 'are'} no longer "
            "waiting for approval in this area, so nothing was done with "
            f"{'it' if missing == 1 else 'them'}."
        )
    for pairing_id in sorted(mine):
        try:
            pairings.approve(pairing_id, actor)
        except pairings.PairingError as err:
            db.session.rollback()
            result.problems.append(f"Proposal {pairing_id}: {err}")
        else:
            result.approved += 1
    return result


# ---------------------------------------------------------------- pairing monitor


MONITOR_VIEWS = {
    "live": "Active and paused",
    "active": "Active",
    "paused": "Paused",
    "at_risk": "At risk",
    "ended": "Ended",
    "all": "All",
}
_VIEW_STATUSES = {
    "live": list(LIVE_STATUSES),
    "active": [PairingStatus.ACTIVE],
    "paused": [PairingStatus.PAUSED],
    "ended": [PairingStatus.ENDED],
    "all": [*LIVE_STATUSES, PairingStatus.ENDED],
}


def at_risk_query(area: Area, today: date) -> Any:
    """Ids of the area's active pairings whose meals have stopped, computed in SQL.

    The same rule as stats.rhythm (tests hold the two together): quiet for at least twice the
    usual gap between meals and at least RISK_FLOOR_DAYS, or RISK_BEFORE_RHYTHM_DAYS before a
    second meal; quiet counts from the last meal, the start, or the end of the last pause.
    """
    chosen = [Pairing.area_id == area.id, Pairing.status == PairingStatus.ACTIVE]
    resumed = (
        select(func.max(PairingPause.ended_at))
        .where(PairingPause.pairing_id == Pairing.id)
        .scalar_subquery()
    )
    if db.engine.dialect.name == "sqlite":
        # SQLite answers min/max/count per pairing from the (pairing_id, shared_on) index
        # with a few seeks each; it has no hash aggregate, so a GROUP BY would sort every meal.
        def per_pairing(fn: Any) -> Any:
            return select(fn).where(MealShare.pairing_id == Pairing.id).scalar_subquery()

        n, first, last = (
            per_pairing(func.count(MealShare.id)),
            per_pairing(func.min(MealShare.shared_on)),
            per_pairing(func.max(MealShare.shared_on)),
        )
        source: Any = Pairing
    else:
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
        n, first, last = func.coalesce(agg.c.n, 0), agg.c.first, agg.c.last
        source = Pairing.__table__.outerjoin(agg, agg.c.pid == Pairing.id)
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
    quiet_since = _sql_max(
        func.coalesce(facts.c.last_day, start), start, func.coalesce(facts.c.resume_day, start)
    )
    quiet = day_number(literal(today, Date)) - quiet_since
    risky = or_(
        and_(facts.c.n < 2, quiet >= stats.RISK_BEFORE_RHYTHM_DAYS),
        and_(
            facts.c.n >= 2,
            quiet >= stats.RISK_FLOOR_DAYS,
            quiet * (facts.c.n - 1) >= 2 * (facts.c.last_day - facts.c.first_day),
        ),
    )
    return select(facts.c.id).where(risky).order_by(facts.c.started_at, facts.c.id)


def at_risk_ids(area: Area, today: date | None = None) -> list[int]:
    """Active pairings of the area at risk, oldest first, in one query."""
    return list(db.session.scalars(at_risk_query(area, today or utcnow().date())))


@dataclass
class MonitorRow:
    """One pairing in the monitor."""

    pairing: Pairing
    cook_name: str
    diner_name: str
    rhythm: stats.Rhythm | None
    concerns: int
    at_risk: bool


@dataclass
class Monitor:
    """A page of the monitor with the counts behind its filter tabs."""

    view: str
    page: Page
    counts: dict[str, int] = field(default_factory=dict)


def monitor(area: Area, view: str = "live", page: int = 1, per_page: int = PER_PAGE) -> Monitor:
    """Pairings of an area by state, paginated, with rhythm and concerns; fixed query count."""
    now = utcnow()
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
    # Finding every at-risk pairing reads every meal of the area: only that view pays for it;
    # the other views flag at-risk rows of their page from each row's rhythm.
    risky = at_risk_ids(area, now.date()) if view == "at_risk" else []
    if view == "at_risk":
        counts["at_risk"] = len(risky)
        total = len(risky)
        ids = risky[(page - 1) * per_page : page * per_page]
        where = [Pairing.id.in_(ids)]
    else:
        where = [Pairing.area_id == area.id, Pairing.status.in_(_VIEW_STATUSES[view])]
        total = counts[view]
    cook_user = aliased(User)
    stmt = (
        select(Pairing, cook_user, DinerProfile)
        .join(CookProfile, CookProfile.id == Pairing.cook_id)
        .join(cook_user, cook_user.id == CookProfile.user_id)
        .join(DinerProfile, DinerProfile.id == Pairing.diner_id)
        .where(*where)
        .order_by(Pairing.started_at.desc(), Pairing.id.desc())
    )
    if view != "at_risk":
        stmt = stmt.limit(per_page).offset((page - 1) * per_page)
    rows = db.session.execute(stmt).all()
    page_ids = [p.id for p, _, _ in rows]
    rhythms = stats.rhythms(page_ids, now=now) if page_ids else {}
    concerns = (
        dict(
            db.session.execute(
                select(Feedback.pairing_id, func.count())
                .where(
                    Feedback.pairing_id.in_(page_ids),
                    Feedback.is_concern.is_(True),
                    Feedback.resolved_at.is_(None),
                )
                .group_by(Feedback.pairing_id)
            ).all()
        )
        if page_ids
        else {}
    )
    out = [
        MonitorRow(
            pairing=p,
            cook_name=cook.display_name,
            diner_name=diner.display_name,
            rhythm=rhythms.get(p.id),
            concerns=concerns.get(p.id, 0),
            at_risk=bool(rhythms.get(p.id) and rhythms[p.id].at_risk),
        )
        for p, cook, diner in rows
    ]
    return Monitor(view=view, page=Page(out, total, page, per_page), counts=counts)


# ---------------------------------------------------------------- map


def map_data(area: Area, actor: Any, client_address: str | None = None) -> dict[str, Any]:
    """Points for the coordinator's map: cooks, diners (waiting or paired) and live pairings.

    Only for coordinators of the area: diners' points are never sent to anyone else. Each
    time they are sent is recorded in the audit trail (points are close to addresses).
    """
    audit.record(
        "diner_locations_viewed",
        area,
        area_id=area.id,
        actor=actor,
        client_address=client_address,
    )
    db.session.commit()
    cooks = [
        [round(lat, 5), round(lon, 5)]
        for lat, lon in db.session.execute(
            select(CookProfile.latitude, CookProfile.longitude).where(
                CookProfile.area_id == area.id
            )
        )
    ]
    live = exists().where(
        Pairing.diner_id == DinerProfile.id, Pairing.status.in_(list(LIVE_STATUSES))
    )
    diners = [
        [round(lat, 5), round(lon, 5), 1 if paired else 0]
        for lat, lon, paired in db.session.execute(
            select(DinerProfile.latitude, DinerProfile.longitude, case((live, 1), else_=0)).where(
                DinerProfile.area_id == area.id
            )
        )
    ]
    diner = aliased(DinerProfile)
    lines = [
        [round(a, 5), round(b, 5), round(c, 5), round(d, 5)]
        for a, b, c, d in db.session.execute(
            select(CookProfile.latitude, CookProfile.longitude, diner.latitude, diner.longitude)
            .select_from(Pairing)
            .join(CookProfile, CookProfile.id == Pairing.cook_id)
            .join(diner, diner.id == Pairing.diner_id)
            .where(Pairing.area_id == area.id, Pairing.status.in_(list(LIVE_STATUSES)))
        )
    ]
    return {"area": area.name, "cooks": cooks, "diners": diners, "pairings": lines}


@dataclass
class DistrictRow:
    """Counts for one postcode district: the map as a list."""

    outcode: str
    cooks: int
    diners: int
    waiting: int
    pairings: int


def district_list(area: Area) -> list[DistrictRow]:
    """The map without JavaScript: cooks, diners, waiting diners and live pairings per district."""
    cooks = dict(
        db.session.execute(
            select(CookProfile.outcode, func.count())
            .where(CookProfile.area_id == area.id)
            .group_by(CookProfile.outcode)
        ).all()
    )
    diners = dict(
        db.session.execute(
            select(DinerProfile.outcode, func.count())
            .where(DinerProfile.area_id == area.id)
            .group_by(DinerProfile.outcode)
        ).all()
    )
    waiting = dict(
        db.session.execute(
            select(DinerProfile.outcode, func.count())
            .where(*_waiting_filter(area))
            .group_by(DinerProfile.outcode)
        ).all()
    )
    pairs = dict(
        db.session.execute(
            select(DinerProfile.outcode, func.count())
            .select_from(Pairing)
            .join(DinerProfile, DinerProfile.id == Pairing.diner_id)
            .where(Pairing.area_id == area.id, Pairing.status.in_(list(LIVE_STATUSES)))
            .group_by(DinerProfile.outcode)
        ).all()
    )
    names = sorted(set(cooks) | set(diners), key=lambda o: (o.rstrip("0123456789W"), len(o), o))
    return [
        DistrictRow(o, cooks.get(o, 0), diners.get(o, 0), waiting.get(o, 0), pairs.get(o, 0))
        for o in names
    ]
