"""The Casserole data model: one module per aggregate, re-exported here."""

from casserole.models.api_token import ApiToken
from casserole.models.area import Area, AreaDistrict, coordinator_areas
from casserole.models.base import Base, UTCDateTime, utcnow
from casserole.models.casework import CaseLogEntry
from casserole.models.matching_run import MatchingRun, WaitingReason
from casserole.models.pairing import (
    BreakCover,
    CookBreak,
    Feedback,
    MealShare,
    Pairing,
    PairingPause,
)
from casserole.models.people import (
    CookProfile,
    DinerProfile,
    User,
    VettingCheck,
    WaitingListEntry,
)
from casserole.models.records import AuditEvent, OutboundEmail, OutboundMessage, PostcodeLocation
from casserole.models.vocab import (
    CaseLogKind,
    CheckKind,
    ConcernStatus,
    ConsentMethod,
    ContactWay,
    EmailStatus,
    EndReason,
    PairingStatus,
    Precision,
    ProposalSource,
    ReferrerKind,
    Role,
)
from casserole.models.welfare import (
    MealDayReport,
    SentReminder,
    VisitReport,
    WelfareCheck,
    WelfareOutcome,
)

__all__ = [
    "ApiToken",
    "Area",
    "AreaDistrict",
    "AuditEvent",
    "Base",
    "BreakCover",
    "CaseLogEntry",
    "CaseLogKind",
    "ConcernStatus",
    "ContactWay",
    "CookBreak",
    "CheckKind",
    "ConsentMethod",
    "CookProfile",
    "DinerProfile",
    "EmailStatus",
    "EndReason",
    "Feedback",
    "MatchingRun",
    "MealDayReport",
    "MealShare",
    "OutboundEmail",
    "OutboundMessage",
    "Pairing",
    "PairingPause",
    "PairingStatus",
    "PostcodeLocation",
    "Precision",
    "ProposalSource",
    "ReferrerKind",
    "Role",
    "SentReminder",
    "UTCDateTime",
    "User",
    "VettingCheck",
    "VisitReport",
    "WaitingReason",
    "WaitingListEntry",
    "WelfareCheck",
    "WelfareOutcome",
    "coordinator_areas",
    "utcnow",
]
