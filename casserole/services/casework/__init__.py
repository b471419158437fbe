"""Casework services: the case log, concerns, feedback, direct registration and imports."""
