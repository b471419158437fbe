"""Periodic jobs that need the configuration: thin wrappers the schedule table names."""

from __future__ import annotations

from flask import current_app

from casserole.services.rights import apply_retention as run_retention


def apply_retention() -> int:
    """Clear what is kept past its time (RETENTION_DAYS), and old job files."""
    from casserole.jobs import runner

    config = current_app.config
    cleared = run_retention(
        config["RETENTION_DAYS"], mail_days=config.get("MAIL_RETENTION_DAYS", 7)
    )
    files = runner.clear_old_files(hours=int(config.get("JOB_FILE_HOURS", 24)))
    return cleared.pairings + cleared.messages + cleared.waiting + cleared.addresses + files


def apply_break_transitions() -> int:
    """Start and end cooks' breaks due today: pauses, stand-ins, restarts (how many changes)."""
    from dataclasses import astuple

    from casserole.services.pairings import breaks

    return sum(astuple(breaks.apply_break_transitions()))
