"""What both demo generators share: the password, the report, accounts and the menu."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from casserole.models import Role, User

DEMO_PASSWORD = "casserole-demo"
DEMO_DOMAIN = "casserole.example"

DISHES = (
    "Shepherd's pie",
    "Chicken casserole",
    "Vegetable lasagne",
    "Fish pie",
    "Lentil dal",
    "Beef stew and dumplings",
    "Cauliflower cheese",
    "Chicken curry and rice",
    "Leek and potato soup",
    "Toad in the hole",
    "Macaroni cheese",
    "Lamb tagine",
    "Salmon fishcakes",
    "Cottage pie",
    "Jollof rice",
    "Mushroom risotto",
    "Irish stew",
    "Chilli con carne",
    "Bread and butter pudding",
)


@dataclass
class SeedReport:
    """What seeding created, and the logins to try."""

    created: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    skipped: bool = False

    def add(self, what: str, n: int = 1) -> None:
        """Count `n` created records of one kind."""
        self.created[what] = self.created.get(what, 0) + n


def make_user(
    email: str,
    role: Role,
    first: str,
    last: str,
    pw: str,
    created_at: datetime,
    phone: str | None = None,
) -> User:
    """An account that signed up (and confirmed its e-mail) at `created_at`."""
    return User(
        email=email,
        role=role,
        first_name=first,
        last_name=last,
        password_hash=pw,
        phone=phone,
        created_at=created_at,
        email_confirmed_at=created_at,
    )
