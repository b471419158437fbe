"""Search keys kept beside a person's name and phone: accent-folded lower-case name, phone digits.

Stored so the console's search compares plain columns (no per-row folding at query time).
They are filled on every insert, ORM or bulk, and refreshed on every ORM update.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import String, event
from sqlalchemy.orm import Mapped, mapped_column

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case, accents removed, spaces collapsed: "  Zoë  O'Brien" -> "zoe o'brien"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", plain.casefold()).strip()


def phone_digits(phone: str | None) -> str:
    """Digits only, +44 written as the 0 people dial: "+44 7700 900123" -> "07700900123"."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("44") and len(digits) > 10:
        digits = "0" + digits[2:]
    return digits


def _name_key(first: str | None, last: str | None) -> str:
    return fold(f"{first or ''} {last or ''}")


def _name_default(context: Any) -> str:
    row = context.get_current_parameters()
    return _name_key(row.get("first_name"), row.get("last_name"))


def _phone_default(context: Any) -> str:
    return phone_digits(context.get_current_parameters().get("phone"))


class SearchKeysMixin:
    """Adds `search_name` and `phone_digits` to a table with first_name, last_name and phone."""

    search_name: Mapped[str] = mapped_column(String(170), default=_name_default, index=True)
    phone_digits: Mapped[str] = mapped_column(String(40), default=_phone_default, index=True)

    def refresh_search_keys(self) -> None:
        """Recompute the keys from the current name and phone."""
        row: Any = self
        self.search_name = _name_key(row.first_name, row.last_name)
        self.phone_digits = phone_digits(row.phone)


@event.listens_for(SearchKeysMixin, "before_insert", propagate=True)
@event.listens_for(SearchKeysMixin, "before_update", propagate=True)
def _keep_keys(_mapper: object, _connection: object, target: SearchKeysMixin) -> None:
    """Every ORM save of a person (sign-up, profile edit, erasure) refreshes the keys."""
    target.refresh_search_keys()
