"""Valid form bodies that tests start from and change one field of."""

from __future__ import annotations

from typing import Any


def cook_data(**overrides: Any) -> dict[str, Any]:
    """A cook profile form that saves; `overrides` replace fields."""
    data = {
        "days": ["1", "4"],
        "availability_note": "After 5pm",
        "can_cook": ["vegetarian", "halal"],
        "capacity": "2",
        "max_miles": "1.5",
        "introduction": "I make a mean dal 🍲 and always cook too much.",
        "postcode": "N3 1AB",
        "address_line": "12 Ballards Lane",
    }
    data.update(overrides)
    return data
