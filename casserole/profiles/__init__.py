"""Profiles: a cook's availability and vetting, a diner's needs, a carer's diners."""
