"""Reading one referral row of a CSV file: its cells, in plain English when they are wrong."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from casserole.models import ConsentMethod, ContactWay, ReferrerKind
from casserole.models.vocab import (
    ALLERGEN_SHORT,
    ALLERGENS,
    DAY_NAMES,
    DIET_LABELS,
    DIET_TAGS,
    allergens_in_text,
)
from casserole.services.casework.registration import (
    COORDINATOR_CONSENT,
    Referral,
    check_referral,
)
from casserole.services.diner_details import DinerDetails, check_diner, tidy_diner

REQUIRED = ("first_name", "postcode", "address_line", "days")
OPTIONAL = (
    "last_name",
    "birth_date",
    "phone",
    "needs",
    "allergens",
    "allergies",
    "likes",
    "dislikes",
    "access_notes",
    "preferred_contact",
    "emergency_contact_name",
    "emergency_contact_phone",
    "referrer_kind",
    "referrer_name",
    "referrer_organisation",
    "referrer_contact",
    "consent_method",
)
COLUMNS = REQUIRED + OPTIONAL
# A cell a spreadsheet would run as a formula: refused rather than stored.
FORMULA_START = ("=", "+", "@", "\t", "\r")
_SPLIT = re.compile(r"[;,/\s]+")


@dataclass
class RowResult:
    """One data row: its line in the file, the person's name, and what is wrong with it."""

    line: int
    name: str
    errors: list[str] = field(default_factory=list)
    duplicate: bool = False
    referral: Referral | None = None
    placement: Any = None


def decode(data: bytes) -> str:
    """The file as text; UTF-8 (with or without a byte-order mark) only, else a plain error."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ValueError(
            f"The file is not UTF-8 text (a byte at position {err.start} cannot be read). "
            "In your spreadsheet choose Save As, then CSV UTF-8."
        ) from None
    if "\x00" in text:
        raise ValueError("The file contains NUL characters: it is not a CSV text file.")
    return text


def _days(value: str) -> set[int]:
    if value.strip().lower() in ("any", "all", "every day"):
        return set(range(7))
    days = set()
    for word in filter(None, _SPLIT.split(value.lower())):
        match = [i for i, name in enumerate(DAY_NAMES) if name.lower().startswith(word[:3])]
        if len(word) < 3 or len(match) != 1:
            raise ValueError(f"“{word}” is not a day; write days like Mon;Wed;Fri.")
        days.add(match[0])
    return days


def _needs(value: str) -> set[str]:
    by_name = {t: t for t in DIET_TAGS} | {v.lower(): t for t, v in DIET_LABELS.items()}
    needs = set()
    for word in filter(None, (w.strip().lower() for w in re.split(r"[;,]", value))):
        if word not in by_name:
            raise ValueError(f"“{word}” is not one of: {', '.join(DIET_TAGS)}.")
        needs.add(by_name[word])
    return needs


def _allergens(value: str) -> set[str]:
    by_name = {a: a for a in ALLERGENS} | {v: a for a, v in ALLERGEN_SHORT.items()}
    found: set[str] = set()
    for word in filter(None, (w.strip().lower() for w in re.split(r"[;,]", value))):
        # "nuts" or "shellfish" name more than one allergen; both are kept out.
        named = {by_name[word]} if word in by_name else allergens_in_text(word)
        if not named:
            raise ValueError(f"“{word}” is not one of: {', '.join(ALLERGENS)}.")
        found |= named
    return found


def _date(value: str) -> date | None:
    if not value.strip():
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(f"“{value}” is not a date; write it like 14/03/1938 or 1938-03-14.")


def _choice(enum_cls: Any, value: str, allowed: Iterable[Any] | None = None) -> Any:
    value = value.strip().lower().replace(" ", "_")
    if not value:
        return None
    options = list(allowed if allowed is not None else enum_cls)
    for member in options:
        if value == member.value:
            return member
    raise ValueError(f"“{value}” is not one of: {', '.join(m.value for m in options)}.")


def parse_row(raw: dict[str, str], result: RowResult) -> Referral | None:
    """The row as a referral, or None with its problems added to `result`."""
    cells = {k: (raw.get(k) or "") for k in COLUMNS}
    for key, value in cells.items():
        if value.lstrip()[:1] in FORMULA_START and value.strip():
            result.errors.append(
                f"{key}: starts like a spreadsheet formula ({value[:1]}); remove it."
            )
    parsed: dict[str, Any] = {}
    for key, parse in (
        ("days", _days),
        ("needs", _needs),
        ("allergens", _allergens),
        ("birth_date", _date),
        ("preferred_contact", lambda v: _choice(ContactWay, v)),
        ("referrer_kind", lambda v: _choice(ReferrerKind, v)),
        ("consent_method", lambda v: _choice(ConsentMethod, v, COORDINATOR_CONSENT)),
    ):
        try:
            parsed[key] = parse(cells[key])
        except ValueError as err:
            result.errors.append(f"{key}: {err}")
    if result.errors:
        return None
    details = tidy_diner(
        DinerDetails(
            first_name=cells["first_name"],
            last_name=cells["last_name"],
            postcode=cells["postcode"],
            address_line=cells["address_line"],
            days=parsed["days"],
            needs=parsed["needs"],
            allergens=parsed["allergens"],
            allergies=cells["allergies"],
            likes=cells["likes"],
            dislikes=cells["dislikes"],
            access_notes=cells["access_notes"],
            phone=cells["phone"],
            birth_date=parsed["birth_date"],
        )
    )
    return Referral(
        details=details,
        consent_method=parsed["consent_method"],
        preferred_contact=parsed["preferred_contact"],
        emergency_contact_name=cells["emergency_contact_name"].strip(),
        emergency_contact_phone=cells["emergency_contact_phone"].strip(),
        referrer_kind=parsed["referrer_kind"],
        referrer_name=cells["referrer_name"].strip(),
        referrer_organisation=cells["referrer_organisation"].strip(),
        referrer_contact=cells["referrer_contact"].strip(),
    )


_LIMITS = {
    "first_name": 80,
    "last_name": 80,
    "address_line": 200,
    "allergies": 500,
    "likes": 500,
    "dislikes": 500,
    "access_notes": 2000,
    "phone": 40,
    "emergency_contact_name": 160,
    "emergency_contact_phone": 40,
    "referrer_name": 160,
    "referrer_organisation": 160,
    "referrer_contact": 200,
}


def check_row(referral: Referral, result: RowResult) -> None:
    """Add the problems of the parsed fields (names, lengths, phone numbers) to `result`."""
    problems: dict[str, str] = {}
    check_diner(referral.details, problems)
    check_referral(referral, problems)
    for key, limit in _LIMITS.items():
        source = referral.details if hasattr(referral.details, key) else referral
        if len(getattr(source, key) or "") > limit:
            problems.setdefault(key, f"keep it to {limit} characters or fewer.")
    result.errors.extend(f"{k}: {v}" for k, v in problems.items())
