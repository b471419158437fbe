"""The closed vocabularies of the domain: weekdays, dietary tags, allergens, roles, states."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Order matters: a tag's position is its bit in the stored mask. Append only, never reorder.
DIET_TAGS = (
    "vegetarian",
    "vegan",
    "halal",
    "kosher",
    "gluten-free",
    "nut-free",
    "dairy-free",
    "diabetic-friendly",
    "soft-pureed",
)
DIET_LABELS = {
    "vegetarian": "Vegetarian",
    "vegan": "Vegan",
    "halal": "Halal",
    "kosher": "Kosher",
    "gluten-free": "Gluten-free",
    "nut-free": "Nut-free",
    "dairy-free": "Dairy-free",
    "diabetic-friendly": "Diabetic-friendly",
    "soft-pureed": "Soft / pureed",
}
ALL_DAYS_MASK = (1 << len(DAY_NAMES)) - 1
ALL_DIET_MASK = (1 << len(DIET_TAGS)) - 1

# The 14 allergens UK food law names. Order matters: a key's position is its bit in the
# stored masks (a diner's allergens, what a cook keeps out, what a meal contains).
# Append only, never reorder.
ALLERGENS = (
    "celery",
    "gluten",
    "crustaceans",
    "eggs",
    "fish",
    "lupin",
    "milk",
    "molluscs",
    "mustard",
    "tree_nuts",
    "peanuts",
    "sesame",
    "soya",
    "sulphites",
)
ALLERGEN_LABELS = {
    "celery": _l("Celery"),
    "gluten": _l("Cereals containing gluten (wheat, rye, barley, oats)"),
    "crustaceans": _l("Crustaceans (prawns, crab, lobster)"),
    "eggs": _l("Eggs"),
    "fish": _l("Fish"),
    "lupin": _l("Lupin"),
    "milk": _l("Milk"),
    "molluscs": _l("Molluscs (mussels, oysters, squid)"),
    "mustard": _l("Mustard"),
    "tree_nuts": _l("Tree nuts (almonds, hazelnuts, walnuts, cashews)"),
    "peanuts": _l("Peanuts"),
    "sesame": _l("Sesame"),
    "soya": _l("Soya"),
    "sulphites": _l("Sulphur dioxide and sulphites"),
}
# Short names for sentences ("allergic to peanuts and milk").
ALLERGEN_SHORT = {
    "celery": _l("celery"),
    "gluten": _l("gluten (cereals)"),
    "crustaceans": _l("crustaceans"),
    "eggs": _l("eggs"),
    "fish": _l("fish"),
    "lupin": _l("lupin"),
    "milk": _l("milk"),
    "molluscs": _l("molluscs"),
    "mustard": _l("mustard"),
    "tree_nuts": _l("tree nuts"),
    "peanuts": _l("peanuts"),
    "sesame": _l("sesame"),
    "soya": _l("soya"),
    "sulphites": _l("sulphites"),
}
ALL_ALLERGEN_MASK = (1 << len(ALLERGENS)) - 1
# Words in old free-text allergy notes and what they mean (the migration and the CSV import).
ALLERGEN_WORDS = {
    "celery": ("celery", "celeriac"),
    "gluten": ("gluten", "wheat", "coeliac", "celiac", "barley", "rye"),
    "crustaceans": ("crustacean", "shellfish", "prawn", "shrimp", "crab", "lobster"),
    "eggs": ("egg",),
    "fish": ("fish",),
    "lupin": ("lupin",),
    "milk": ("milk", "dairy", "lactose", "cheese", "cream"),
    "molluscs": ("mollusc", "shellfish", "mussel", "oyster", "squid", "clam", "scallop"),
    "mustard": ("mustard",),
    "tree_nuts": ("nut", "almond", "cashew", "hazelnut", "walnut", "pecan", "pistachio"),
    "peanuts": ("nut", "peanut", "groundnut"),
    "sesame": ("sesame",),
    "soya": ("soya", "soy"),
    "sulphites": ("sulphite", "sulfite", "sulphur", "sulfur"),
}


def days_to_mask(days: Iterable[int]) -> int:
    """Pack weekday numbers (0 = Monday) into a 7-bit mask."""
    mask = 0
    for day in days:
        if not 0 <= int(day) <= 6:
            raise ValueError(f"weekday {day!r} is not between 0 (Monday) and 6 (Sunday)")
        mask |= 1 << int(day)
    return mask


def mask_to_days(mask: int) -> frozenset[int]:
    """Unpack a 7-bit weekday mask."""
    return frozenset(d for d in range(7) if mask >> d & 1)


def tags_to_mask(tags: Iterable[str]) -> int:
    """Pack dietary tags into a mask; unknown tags are an error naming the tag."""
    mask = 0
    for tag in tags:
        try:
            mask |= 1 << DIET_TAGS.index(tag)
        except ValueError:
            raise ValueError(f"unknown dietary tag {tag!r}") from None
    return mask


def mask_to_tags(mask: int) -> frozenset[str]:
    """Unpack a dietary mask into tag names."""
    return frozenset(t for i, t in enumerate(DIET_TAGS) if mask >> i & 1)


def allergens_to_mask(keys: Iterable[str]) -> int:
    """Pack allergen keys into a mask; unknown keys are an error naming the key."""
    mask = 0
    for key in keys:
        try:
            mask |= 1 << ALLERGENS.index(key)
        except ValueError:
            raise ValueError(f"unknown allergen {key!r}") from None
    return mask


def mask_to_allergens(mask: int) -> frozenset[str]:
    """Unpack an allergen mask into keys."""
    return frozenset(a for i, a in enumerate(ALLERGENS) if mask >> i & 1)


def allergens_in_text(text: str) -> frozenset[str]:
    """Allergens an old free-text note names ("nuts, shellfish" -> tree nuts, peanuts, ...)."""
    # A stem must start a word: "peanut" is not a tree nut, "shellfish" is not a fish.
    words = (text or "").casefold()
    return frozenset(
        a for a, stems in ALLERGEN_WORDS.items() if any(re.search(rf"\b{s}", words) for s in stems)
    )


def allergen_names(keys: Iterable[str]) -> list[str]:
    """Short plain-English names of allergens, in the vocabulary's order."""
    wanted = set(keys)
    # Read now, in the language in force (English outside a request).
    return [str(ALLERGEN_SHORT[a]) for a in ALLERGENS if a in wanted]


class Role(enum.StrEnum):
    """What a person does in the service; one role per account."""

    COOK = "cook"
    DINER = "diner"
    CARER = "carer"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class Precision(enum.StrEnum):
    """How exactly a location is known."""

    DISTRICT = "district"
    POSTCODE = "postcode"
    ADDRESS = "address"


class CheckKind(enum.StrEnum):
    """The vetting checks a cook needs before being proposed to anyone."""

    ID = "id"
    DBS = "dbs"
    FOOD_HYGIENE = "food_hygiene"


class ConsentMethod(enum.StrEnum):
    """How a diner's agreement to join was given."""

    SELF_ONLINE = "self_online"
    CARER_CONFIRMED = "carer_confirmed"
    PAPER = "paper"
    PHONE = "phone"
    IN_PERSON = "in_person"
    REFERRER = "referrer"


CONSENT_LABELS = {
    ConsentMethod.SELF_ONLINE: "online, by the diner",
    ConsentMethod.CARER_CONFIRMED: "confirmed by their carer",
    ConsentMethod.PAPER: "on a paper form",
    ConsentMethod.PHONE: "by phone",
    ConsentMethod.IN_PERSON: "in person",
    ConsentMethod.REFERRER: "through the referrer",
}


class ContactWay(enum.StrEnum):
    """How a person prefers to be contacted."""

    PHONE = "phone"
    LETTER = "letter"
    EMAIL = "email"
    SMS = "sms"


CONTACT_WAY_LABELS = {
    ContactWay.PHONE: "Phone call",
    ContactWay.LETTER: "Letter",
    ContactWay.EMAIL: "E-mail",
    ContactWay.SMS: "Text message (SMS)",
}


class ReferrerKind(enum.StrEnum):
    """Who referred a diner to the service."""

    GP = "gp"
    SOCIAL_WORKER = "social_worker"
    HOUSING = "housing"
    FAMILY = "family"
    OTHER = "other"


REFERRER_LABELS = {
    ReferrerKind.GP: "GP practice",
    ReferrerKind.SOCIAL_WORKER: "Social worker",
    ReferrerKind.HOUSING: "Housing officer",
    ReferrerKind.FAMILY: "Family",
    ReferrerKind.OTHER: "Other organisation",
}


class CaseLogKind(enum.StrEnum):
    """What a case log entry records."""

    NOTE = "note"
    CALL = "call"
    INTRO_VISIT = "intro_visit"
    CHECK_IN = "check_in"
    VISIT = "visit"


CASE_LOG_LABELS = {
    CaseLogKind.NOTE: "Note",
    CaseLogKind.CALL: "Phone call",
    CaseLogKind.INTRO_VISIT: "Introduction visit",
    CaseLogKind.CHECK_IN: "Check-in call",
    CaseLogKind.VISIT: "Visit",
}


class ConcernStatus(enum.StrEnum):
    """Where a concern is: new, being handled, or resolved with a note."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"


CONCERN_STATUS_LABELS = {
    ConcernStatus.NEW: "New",
    ConcernStatus.IN_PROGRESS: "In progress",
    ConcernStatus.RESOLVED: "Resolved",
}


class PairingStatus(enum.StrEnum):
    """Where a pairing is in its life, from proposal to its end."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    COOK_ACCEPTED = "cook_accepted"
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"
    DECLINED = "declined"


# The status sets, their one owner (the pairing state machine and every query use these).
# Meals are shared in a live pairing; an open proposal still holds the diner and a place.
LIVE_STATUSES = (PairingStatus.ACTIVE, PairingStatus.PAUSED)
OPEN_PROPOSAL_STATUSES = (
    PairingStatus.PROPOSED,
    PairingStatus.APPROVED,
    PairingStatus.COOK_ACCEPTED,
)
# Started at some time: running now or ended (these have a start time and a duration).
STARTED_STATUSES = (*LIVE_STATUSES, PairingStatus.ENDED)


def sql_status_list(statuses: Iterable[PairingStatus]) -> str:
    """Statuses as a SQL list for constraints and index predicates: "'active', 'paused'"."""
    return ", ".join(f"'{status.value}'" for status in statuses)


class EndReason(enum.StrEnum):
    """Why a pairing ended."""

    MOVED_AWAY = "moved_away"
    HEALTH = "health"
    COOK_UNAVAILABLE = "cook_unavailable"
    DIFFERENT_COOK = "different_cook"
    DIED = "died"
    OTHER = "other"


# Why a pairing ended, as coordinators read it on the monitor.
END_REASON_LABELS = {
    EndReason.MOVED_AWAY: "Moved away",
    EndReason.HEALTH: "Health",
    EndReason.COOK_UNAVAILABLE: "The cook could no longer cook",
    EndReason.DIFFERENT_COOK: "Asked for a different cook",
    EndReason.DIED: "The diner died",
    EndReason.OTHER: "Something else",
}


class ProposalSource(enum.StrEnum):
    """Who put a pair forward."""

    MATCHER = "matcher"
    COORDINATOR = "coordinator"


class JobState(enum.StrEnum):
    """Where a background job is: waiting for a worker, running, or finished."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class EmailStatus(enum.StrEnum):
    """Delivery state of an outgoing e-mail."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
