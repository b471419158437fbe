"""The console's one search box: diners, cooks and carers of a coordinator's areas by name,
e-mail, phone, postcode or district, or record number (D12 diner, K12 cook, C12 carer)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exists, func, or_, select

from casserole.extensions import db
from casserole.models import Area, CookProfile, DinerProfile, Role, User
from casserole.models.search_keys import fold, phone_digits

LIMIT = 25  # per group: a search is for finding one person, not for listing
MIN_LENGTH = 2
MAX_LENGTH = 100  # longer text is cut: nobody's name or address is longer
_RECORD = re.compile(r"^([dkc])?\s*(\d{1,9})$", re.IGNORECASE)
_OUTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")
_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$")
_LIKE_SPECIALS = str.maketrans({"%": r"\%", "_": r"\_", "\\": r"\\"})


class SearchError(ValueError):
    """A search that cannot be run as typed (too short); the message says why."""


@dataclass
class Hit:
    """One person found: who, what record, and a hint to tell namesakes apart."""

    kind: str  # "diner", "cook" or "carer": the record endpoint's name
    id: int
    name: str
    hint: str
    area_slug: str  # the area whose console shows the record
    area_name: str


@dataclass
class Results:
    """Hits grouped by role, in the order the page shows them."""

    query: str
    groups: dict[str, list[Hit]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """How many people were found in all."""
        return sum(len(hits) for hits in self.groups.values())

    @property
    def spans_areas(self) -> bool:
        """Whether the hits come from more than one area (then each says which)."""
        return len({h.area_slug for hits in self.groups.values() for h in hits}) > 1


def _contains(text: str) -> str:
    return f"%{text.translate(_LIKE_SPECIALS)}%"


def _diner_terms(q: str) -> list[Any]:
    """Conditions on DinerProfile (and its own account) the typed text may mean."""
    terms: list[Any] = []
    compact = re.sub(r"\s", "", q).upper()
    record = _RECORD.match(q)
    if record and record.group(1) in (None, "d", "D"):
        terms.append(DinerProfile.id == int(record.group(2)))
    digits = phone_digits(q)
    if len(digits) >= 5 and not re.search(r"[A-Za-z]", q):
        terms.append(DinerProfile.phone_digits.like(_contains(digits), escape="\\"))
    if _OUTCODE.match(compact):
        terms.append(DinerProfile.outcode == compact)
    postcode = _POSTCODE.match(compact)
    if postcode:
        terms.append(DinerProfile.postcode == f"{postcode.group(1)} {postcode.group(2)}")
    name = fold(q)
    if re.search(r"[^\W\d_]", name):
        terms.append(DinerProfile.search_name.like(_contains(name), escape="\\"))
    return terms


def _user_terms(q: str, kind: str) -> list[Any]:
    """Conditions on User (a cook's or carer's account) the typed text may mean."""
    terms: list[Any] = []
    record = _RECORD.match(q)
    letter = {"cook": "k", "carer": "c"}[kind]
    if record and (record.group(1) or letter).lower() == letter:
        key = CookProfile.id if kind == "cook" else User.id
        terms.append(key == int(record.group(2)))
    if "@" in q:
        terms.append(func.lower(User.email).like(_contains(q.lower()), escape="\\"))
    digits = phone_digits(q)
    if len(digits) >= 5 and not re.search(r"[A-Za-z]", q):
        terms.append(User.phone_digits.like(_contains(digits), escape="\\"))
    name = fold(q)
    if "@" not in q and re.search(r"[^\W\d_]", name):
        terms.append(User.search_name.like(_contains(name), escape="\\"))
    return terms


def search(areas: Sequence[Area], query: str) -> Results:
    """People of `areas` matching `query`, grouped by role; never anyone of another area."""
    q = (query or "").strip()
    if len(q) < MIN_LENGTH:
        raise SearchError(f"Type at least {MIN_LENGTH} characters to search.")
    results = Results(query=q)
    by_id = {a.id: a for a in areas}
    if not by_id:
        return results
    diner_terms = _diner_terms(q)
    account_email = (
        exists().where(User.id == DinerProfile.user_id, func.lower(User.email) == q.lower())
        if "@" in q
        else None
    )
    if account_email is not None:
        diner_terms.append(account_email)
    diners = []
    if diner_terms:
        diners = db.session.scalars(
            select(DinerProfile)
            .where(
                DinerProfile.area_id.in_(sorted(by_id)),
                DinerProfile.erased_at.is_(None),
                or_(*diner_terms),
            )
            .order_by(DinerProfile.search_name, DinerProfile.id)
            .limit(LIMIT)
        ).all()
    results.groups["diner"] = [
        _hit("diner", d.id, d.display_name, f"D{d.id}, {d.postcode}", by_id[d.area_id])
        for d in diners
    ]
    results.groups["cook"] = _cooks(by_id, q)
    results.groups["carer"] = _carers(by_id, q)
    return results


def _hit(kind: str, record_id: int, name: str, hint: str, area: Area) -> Hit:
    return Hit(kind, record_id, name, hint, area.slug, area.name)


def _cooks(by_id: dict[int, Area], q: str) -> list[Hit]:
    terms = _user_terms(q, "cook")
    compact = re.sub(r"\s", "", q).upper()
    if _OUTCODE.match(compact):
        terms.append(CookProfile.outcode == compact)
    postcode = _POSTCODE.match(compact)
    if postcode:
        terms.append(CookProfile.postcode == f"{postcode.group(1)} {postcode.group(2)}")
    if not terms:
        return []
    rows = db.session.execute(
        select(
            CookProfile.id,
            CookProfile.area_id,
            User.first_name,
            User.last_name,
            CookProfile.postcode,
        )
        .join(User, User.id == CookProfile.user_id)
        .where(CookProfile.area_id.in_(sorted(by_id)), User.erased_at.is_(None), or_(*terms))
        .order_by(User.search_name, CookProfile.id)
        .limit(LIMIT)
    ).all()
    return [
        _hit(
            "cook",
            r.id,
            f"{r.first_name} {r.last_name}".strip(),
            f"K{r.id}, {r.postcode}",
            by_id[r.area_id],
        )
        for r in rows
    ]


def _carers(by_id: dict[int, Area], q: str) -> list[Hit]:
    terms = _user_terms(q, "carer")
    if not terms:
        return []
    # A carer belongs to an area through a diner they look after there; the (carer, area)
    # index answers this per carer in one probe per area.
    area_of_care = (
        select(func.min(DinerProfile.area_id))
        .where(
            DinerProfile.carer_id == User.id,
            DinerProfile.area_id.in_(sorted(by_id)),
            DinerProfile.erased_at.is_(None),
        )
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(User, area_of_care.label("area_id"))
        .where(
            User.role == Role.CARER,
            User.erased_at.is_(None),
            area_of_care.is_not(None),
            or_(*terms),
        )
        .order_by(User.search_name, User.id)
        .limit(LIMIT)
    ).all()
    return [
        _hit("carer", u.id, u.display_name, f"C{u.id}, {u.email or 'no e-mail'}", by_id[aid])
        for u, aid in rows
    ]
