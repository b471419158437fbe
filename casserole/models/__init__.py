"""The Casserole data model: one module per aggregate, re-exported here."""

from casserole.models.api_token import ApiToken
from casserole.models.area import Area, AreaDistrict, coordinator_areas
from casserole.models.base import Base, UTCDateTime, utcnow
from casserole.models.casework import CaseLogEntry
from casserole.models.job import Job
from casserole.models.pairing import Feedback, MealShare, Pairing, PairingPause
from casserole.models.people import (
    CookProfile,
    DinerProfile,
    User,
    VettingCheck,
    WaitingListEntry,
)
from casserole.models.records import AuditEvent, OutboundEmail, PostcodeLocation
from casserole.models.vocab import (
    CaseLogKind,
    CheckKind,
    ConcernStatus,
    ConsentMethod,
    ContactWay,
    EmailStatus,
    EndReason,
    JobState,
    PairingStatus,
    Precision,
    ProposalSource,
    ReferrerKind,
    Role,
)

__all__ = [
    "ApiToken",
    "Area",
    "AreaDistrict",
    "AuditEvent",
    "Base",
    "CaseLogEntry",
    "CaseLogKind",
    "ConcernStatus",
    "ContactWay",
    "CheckKind",
    "ConsentMethod",
    "CookProfile",
    "DinerProfile",
    "EmailStatus",
    "EndReason",
    "Feedback",
    "Job",
    "JobState",
    "MealShare",
    "OutboundEmail",
    "Pairing",
    "PairingPause",
    "PairingStatus",
    "PostcodeLocation",
    "Precision",
    "ProposalSource",
    "ReferrerKind",
    "Role",
    "UTCDateTime",
    "User",
    "VettingCheck",
    "WaitingListEntry",
    "coordinator_areas",
    "utcnow",
]
