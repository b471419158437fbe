"""The declarative roster of the borough demo: what each borough holds, as data."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from casserole.models import EndReason


class CookKind(enum.StrEnum):
    """Where a demo cook stands with their checks."""

    VETTED = "vetted"  # ID, DBS and food hygiene all valid
    ON_BREAK = "on_break"  # vetted, but taking a break (no new proposals)
    LAPSED = "lapsed"  # DBS check expired last month
    NEW = "new"  # joined recently, ID seen, DBS and hygiene pending
    UNCHECKED = "unchecked"  # joined recently, no checks yet


# The matcher's reason codes (matching.reasons.REASON_CODES; tests hold the two together).
# Spelled out here because only casserole.services.matching may import the matcher.
WAITING_REASONS = (
    "no_cook_in_range",
    "no_cook_for_needs",
    "no_shared_day",
    "cooks_excluded",
    "cooks_full",
)

# Diners whose pairing ended for these reasons have left the scheme (moved, into care,
# died): their consent is withdrawn so they are not on the waiting list. Others wait again
# or, after a cook became unavailable or they asked for a different cook, have a new cook.
LEFT_THE_SCHEME = (EndReason.MOVED_AWAY, EndReason.HEALTH, EndReason.DIED)
REPAIRED = (EndReason.COOK_UNAVAILABLE, EndReason.DIFFERENT_COOK)


@dataclass(frozen=True)
class PairingPlan:
    """How many pairings of each kind a borough has (live ones hold a diner each)."""

    active: int = 13
    at_risk: int = 2  # active, but meals stopped about six weeks ago
    paused: int = 2
    proposed: int = 2
    cook_accepted: int = 1
    # Ended pairings by reason: every reason at least once.
    ended: dict[EndReason, int] = field(
        default_factory=lambda: {
            EndReason.MOVED_AWAY: 2,
            EndReason.HEALTH: 3,
            EndReason.COOK_UNAVAILABLE: 1,
            EndReason.DIFFERENT_COOK: 1,
            EndReason.DIED: 3,
            EndReason.OTHER: 1,
        }
    )


@dataclass(frozen=True)
class Borough:
    """One demo borough: its districts, people, pairings, waiting list and figures to aim at."""

    slug: str
    name: str
    outcodes: tuple[str, ...]
    # In order: the cook at index i gets the e-mail cook{i}.<slug> (cook.<slug> for 0).
    cooks: tuple[tuple[CookKind, int], ...] = (
        (CookKind.VETTED, 17),
        (CookKind.ON_BREAK, 1),
        (CookKind.LAPSED, 1),
        (CookKind.NEW, 1),
        (CookKind.UNCHECKED, 4),
    )
    diners: int = 36
    self_registered: int = 4  # the first diners have their own login
    carers: int = 8
    first_carer_diners: int = 3  # so a carer with several people (a page each) can be tried
    over_80: int = 29  # of the diners: about 80 %, like the published figures
    pairings: PairingPlan = field(default_factory=PairingPlan)
    waiting: tuple[str, ...] = WAITING_REASONS  # one waiting diner per reason code
    # Published Casserole Club figures to aim at: 0.8 miles, a meal every 1.5 weeks,
    # the longest pairing 16 months. The mean distance is what diners are placed from their
    # cook before anyone's reach cuts it short, so it is set per borough to land near 0.8
    # miles (1.29 km) for the pairings that actually ran.
    mean_distance_km: float = 1.29
    meal_gap_days: float = 10.3
    longest_days: int = 487
    history_days: int = 548  # 18 months of meals

    @property
    def cook_kinds(self) -> list[CookKind]:
        """The kind of each cook, in e-mail order."""
        return [kind for kind, n in self.cooks for _ in range(n)]


BOROUGHS: tuple[Borough, ...] = (
    Borough(
        "barnet",
        "Barnet",
        (
            "EN4",
            "EN5",
            "HA8",
            "N2",
            "N3",
            "N10",
            "N11",
            "N12",
            "N14",
            "N20",
            "NW4",
            "NW7",
            "NW9",
            "NW11",
        ),
    ),
    # Inner London: some cooks only go a kilometre or so (see demo/waiting.py).
    Borough(
        "tower-hamlets", "Tower Hamlets", ("E1", "E1W", "E2", "E3", "E14"), mean_distance_km=1.35
    ),
    # Semi-rural Surrey: diners who changed cook had the next-nearest, often far.
    Borough(
        "reigate-banstead",
        "Reigate and Banstead",
        ("RH1", "RH2", "RH6", "KT20", "SM7"),
        mean_distance_km=1.3,
    ),
)
