"""Profiles: a cook's cooking and breaks, their checks, a diner's details, and who sees what."""

from casserole.services.profiles.checks import CheckRow, VettingStatus, vetting_status
from casserole.services.profiles.cooks import CookDetails, update_cook
from casserole.services.profiles.diners import (
    NotFound,
    change_needs,
    diners_of,
    own_diner,
    selected_diner,
    update_diner,
)
from casserole.services.profiles.sides import (
    CookView,
    NeighbourView,
    cook_for_diner_side,
    neighbour_for_cook,
)

__all__ = [
    "CheckRow",
    "CookDetails",
    "CookView",
    "NeighbourView",
    "NotFound",
    "VettingStatus",
    "change_needs",
    "cook_for_diner_side",
    "diners_of",
    "neighbour_for_cook",
    "own_diner",
    "selected_diner",
    "update_cook",
    "update_diner",
    "vetting_status",
]
