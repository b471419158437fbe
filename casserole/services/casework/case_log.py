"""The case log: notes, calls and visits on a person or pairing, for the area's coordinators."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, select

from casserole.access import can_see_area
from casserole.extensions import db
from casserole.models import (
    Area,
    CaseLogEntry,
    CaseLogKind,
    CookProfile,
    DinerProfile,
    Pairing,
    Role,
    User,
)
from casserole.pagination import Page, paginate
from casserole.services import audit

# URL word for each kind of subject, and the column that holds it.
SUBJECT_KINDS = ("diner", "cook", "carer", "pairing")
MAX_BODY = 4000


class CaseLogError(ValueError):
    """An entry that cannot be written, with the field it concerns."""

    def __init__(self, message: str, field_name: str = "body") -> None:
        super().__init__(message)
        self.field_name = field_name


@dataclass(frozen=True)
class Subject:
    """Whom a log is about: its kind (URL word), its id, and the area it is kept in."""

    kind: str
    id: int
    area_id: int


def subject_of(obj: Any, area_id: int | None = None) -> Subject | None:
    """The subject for a diner, cook, carer account or pairing; None for anything else."""
    if isinstance(obj, DinerProfile):
        return Subject("diner", obj.id, obj.area_id) if obj.area_id else None
    if isinstance(obj, CookProfile):
        return Subject("cook", obj.id, obj.area_id) if obj.area_id else None
    if isinstance(obj, Pairing):
        return Subject("pairing", obj.id, obj.area_id)
    if isinstance(obj, User) and obj.role == Role.CARER:
        areas = carer_area_ids(obj.id)
        chosen = area_id if area_id in areas else (min(areas) if areas else None)
        return Subject("carer", obj.id, chosen) if chosen else None
    return None


def carer_area_ids(carer_id: int) -> set[int]:
    """Areas where a carer looks after at least one diner."""
    rows = db.session.scalars(
        select(DinerProfile.area_id).where(
            DinerProfile.carer_id == carer_id, DinerProfile.area_id.is_not(None)
        )
    )
    return {r for r in rows if r is not None}


def find_subject(area: Area, kind: str, subject_id: int) -> Subject | None:
    """The subject named in a URL if it belongs to `area`; None otherwise (the view answers 404)."""
    if kind == "diner":
        obj: Any = db.session.get(DinerProfile, subject_id)
    elif kind == "cook":
        obj = db.session.get(CookProfile, subject_id)
    elif kind == "pairing":
        obj = db.session.get(Pairing, subject_id)
    elif kind == "carer":
        has_diner_here = exists().where(
            DinerProfile.carer_id == subject_id, DinerProfile.area_id == area.id
        )
        if not db.session.scalar(select(has_diner_here)):
            return None
        return Subject("carer", subject_id, area.id)
    else:
        return None
    subject = subject_of(obj) if obj is not None else None
    return subject if subject is not None and subject.area_id == area.id else None


def _column(kind: str) -> Any:
    return getattr(CaseLogEntry, f"{kind}_id")


def _of(subject: Subject) -> Any:
    return select(CaseLogEntry).where(
        _column(subject.kind) == subject.id, CaseLogEntry.area_id == subject.area_id
    )


def entries(
    subject: Subject, viewer: Any, client_address: str | None = None, page: int = 1
) -> Page:
    """One page of a subject's entries, newest first, for the area's coordinators; audited."""
    if not can_see_area(viewer, subject.area_id):
        return Page([], 0, page)
    found = paginate(
        _of(subject).order_by(CaseLogEntry.created_at.desc(), CaseLogEntry.id.desc()),
        page,
        scalars=True,
    )
    rows = found.rows
    if subject.kind == "diner":
        # Notes about a diner are as personal as their address: each view is on the record.
        audit.record(
            "case_log_viewed",
            db.session.get(DinerProfile, subject.id),
            area_id=subject.area_id,
            actor=viewer,
            client_address=client_address,
            entries=len(rows),
            page=page,
        )
        db.session.commit()
    return found


def add_entry(
    subject: Subject,
    kind: CaseLogKind,
    body: str,
    author: Any,
    commit: bool = True,
    client_address: str | None = None,
) -> CaseLogEntry:
    """Write one entry on a subject's log; the author must coordinate its area."""
    if not can_see_area(author, subject.area_id):
        raise PermissionError("not this coordinator's area")
    body = (body or "").strip()
    if not body:
        raise CaseLogError("Write what was said or done.")
    if len(body) > MAX_BODY:
        raise CaseLogError(f"Keep it under {MAX_BODY:,} characters.")
    entry = CaseLogEntry(
        area_id=subject.area_id, kind=kind, body=body, author_id=getattr(author, "id", None)
    )
    setattr(entry, f"{subject.kind}_id", subject.id)
    db.session.add(entry)
    db.session.flush()
    audit.record(
        "case_log_added",
        entry,
        area_id=subject.area_id,
        actor=author,
        client_address=client_address,
        about=subject.kind,
        about_id=subject.id,
    )
    if commit:
        db.session.commit()
    return entry


def erase_for_diner(diner_id: int) -> None:
    """Erasure: a diner's log and the logs of their pairings lose their words."""
    pairing_ids = select(Pairing.id).where(Pairing.diner_id == diner_id)
    db.session.execute(
        CaseLogEntry.__table__.update()
        .where((CaseLogEntry.diner_id == diner_id) | CaseLogEntry.pairing_id.in_(pairing_ids))
        .values(body="")
    )


def erase_for_user(user: User) -> None:
    """Erasure: the logs about a carer or a cook lose their words."""
    condition = CaseLogEntry.carer_id == user.id
    if user.cook_profile is not None:
        condition = condition | (CaseLogEntry.cook_id == user.cook_profile.id)
    db.session.execute(CaseLogEntry.__table__.update().where(condition).values(body=""))


def intro_visit_due(subject: Subject) -> bool:
    """True for a pairing with no meal yet whose log holds no introduction visit."""
    if subject.kind != "pairing":
        return False
    visited = db.session.scalar(
        _of(subject).where(CaseLogEntry.kind == CaseLogKind.INTRO_VISIT).limit(1)
    )
    if visited is not None:
        return False
    pairing = db.session.get(Pairing, subject.id)
    return pairing is not None and not pairing.meals and pairing.ended_at is None


def can_see(subject: Subject, viewer: Any) -> bool:
    """True when `viewer` coordinates the area the log is kept in (or is an admin)."""
    return can_see_area(viewer, subject.area_id)


def area_slug(subject: Subject) -> str:
    """The slug of the area the log is kept in, for its URLs."""
    return db.session.get(Area, subject.area_id).slug  # type: ignore[union-attr]


def load(subject: Subject) -> Any:
    """The diner, cook, carer account or pairing a subject names."""
    model = {"diner": DinerProfile, "cook": CookProfile, "carer": User, "pairing": Pairing}
    return db.session.get(model[subject.kind], subject.id)


def describe(subject: Subject) -> str:
    """A short title for the log's page: "Edna Smith (diner)", "Pairing 12"."""
    obj = load(subject)
    if subject.kind == "pairing":
        return f"Pairing {obj.id}"
    if subject.kind == "cook":
        return f"{obj.user.display_name} (cook)"
    return f"{obj.display_name} ({subject.kind})"


def erase_for_pairings(pairing_ids: list[int]) -> None:
    """Retention: the logs of pairings that ended long ago lose their words."""
    db.session.execute(
        CaseLogEntry.__table__.update()
        .where(CaseLogEntry.pairing_id.in_(pairing_ids))
        .values(body="")
    )
