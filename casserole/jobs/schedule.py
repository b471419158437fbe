"""The periodic jobs (Celery beat), replacing the README's old cron list: one table.

Each line is name → dotted path of a function taking no arguments → when (Europe/London).
A function here runs inside the app context through `tasks.periodic`; add a line to add a job.
"""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

# How long a run's "only one at a time" lock lasts if its worker dies holding it (else an
# hour): mail is sent every minute and asked for after every change, so its lock is short.
LOCK_SECONDS: dict[str, int] = {"deliver-mail": 300}

SCHEDULE: dict[str, tuple[str, crontab]] = {
    # Queued e-mail that is due, and retries of failed sends with back-off.
    "deliver-mail": ("casserole.services.mail.deliver_due", crontab(minute="*")),
    # Both sides of pairings whose meals have stopped, once per quiet spell.
    "remind-at-risk": (
        "casserole.services.pairings.reminders.remind_at_risk",
        crontab(hour="9", minute="0"),
    ),
    # Cooks whose vetting check expired, and their coordinators.
    "notify-expired-checks": (
        "casserole.services.vetting.notify_expired",
        crontab(hour="8", minute="30"),
    ),
    # Welfare checks nobody has closed in WELFARE_ESCALATION_HOURS: every coordinator and admin.
    "escalate-welfare-checks": (
        "casserole.services.welfare.escalate_overdue",
        crontab(minute="*/5"),
    ),
    # Cooks, the day before each usual meal day (with the diner's allergens).
    "meal-day-reminders": (
        "casserole.services.pairings.reminders.send_meal_day_reminders",
        crontab(hour="17", minute="0"),
    ),
    # Cooks whose usual meal day passed yesterday with no meal and no report.
    "missed-meal-nudges": (
        "casserole.services.pairings.reminders.nudge_missed_meal_days",
        crontab(hour="10", minute="0"),
    ),
    # Each coordinator: at-risk pairings and open welfare checks of their areas.
    "coordinator-digest": (
        "casserole.services.pairings.reminders.send_coordinator_digest",
        crontab(hour="8", minute="0"),
    ),
    # Cooks' breaks that start or end today: pause, stand-ins, restart, everyone told.
    "break-transitions": (
        "casserole.jobs.periodic.apply_break_transitions",
        crontab(hour="6", minute="0"),
    ),
    # Notes of long-ended pairings, delivered e-mail, stale waiting entries, job files.
    "apply-retention": ("casserole.jobs.periodic.apply_retention", crontab(hour="3", minute="15")),
}


def beat_schedule() -> dict[str, dict[str, Any]]:
    """Celery's `beat_schedule` for the table: each entry calls `casserole.periodic(name)`."""
    return {
        name: {"task": "casserole.periodic", "schedule": when, "args": (name,)}
        for name, (_path, when) in SCHEDULE.items()
    }
