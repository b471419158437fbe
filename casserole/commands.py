"""Thin `flask` CLI commands that call services and show progress."""

from __future__ import annotations

import sys
import time
from datetime import date, datetime
from pathlib import Path

import click
from flask import Flask

from casserole.errors import PostcodeError
from casserole.formatting import plural


def register(app: Flask) -> None:
    """Attach the commands to `app.cli`."""
    app.cli.add_command(seed_demo)
    app.cli.add_command(import_postcodes)
    app.cli.add_command(geocode)
    app.cli.add_command(deliver_mail)
    app.cli.add_command(apply_retention)
    app.cli.add_command(backup_command)
    app.cli.add_command(open_district)
    app.cli.add_command(restore_command)
    app.cli.add_command(create_admin)
    app.cli.add_command(import_referrals)
    app.cli.add_command(apply_breaks)
    app.cli.add_command(welfare_group)


@click.command("seed-demo")
@click.option(
    "--scale",
    type=click.Choice(["demo", "city"]),
    default="demo",
    show_default=True,
    help="demo: three boroughs with history; city: 10k cooks, 50k diners in one area.",
)
@click.option("--seed", type=int, default=None, help="Random seed (the same seed, the same data).")
def seed_demo(scale: str, seed: int | None) -> None:
    """Create demo data (idempotent: running it again changes nothing) and print the logins."""
    from casserole import demo as seeding

    started = time.perf_counter()
    if scale == "city":
        with click.progressbar(
            length=seeding.city_total_rows(),
            label="Seeding city",
            file=sys.stderr,
        ) as bar:
            report = seeding.seed_city(
                **({"seed": seed} if seed is not None else {}), progress=bar.update
            )
    else:
        with click.progressbar(
            length=len(seeding.BOROUGHS),
            label="Seeding boroughs",
            file=sys.stderr,
        ) as bar:
            report = seeding.seed_boroughs(
                **({"seed": seed} if seed is not None else {}), progress=bar.update
            )
    elapsed = time.perf_counter() - started
    if report.logins:
        click.echo("Demo logins (password for all: casserole-demo):")
        width = max(len(role) for role, _, _ in report.logins)
        for role, email, _ in report.logins:
            click.echo(f"  {role:<{width}}  {email}")
    if report.skipped:
        click.echo(f"Demo data ({scale}) already present: nothing changed ({elapsed:.1f} s).")
    else:
        made = ", ".join(
            plural(n, what.removesuffix("s"), what) for what, n in report.created.items()
        )
        label = "city-scale demo" if scale == "city" else "three-borough demo"
        click.echo(f"Seeded the {label}: {made} in {elapsed:.1f} s.")


@click.command("import-postcodes")
@click.argument("csv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_postcodes(csv_path: Path) -> None:
    """Import full-postcode positions from an ONSPD or Code-Point Open CSV file."""
    from casserole.services.postcodes import import_postcodes as run_import

    started = time.perf_counter()
    with click.progressbar(
        length=csv_path.stat().st_size,
        label="Importing postcodes",
        file=sys.stderr,
    ) as bar:
        summary = run_import(csv_path, progress=bar.update)
    click.echo(
        f"Imported {summary.imported:,} postcodes ({summary.layout} layout), skipped "
        f"{summary.skipped:,} rows in {time.perf_counter() - started:.1f} s."
    )


@click.command("geocode")
@click.argument("postcode")
def geocode(postcode: str) -> None:
    """Show where a postcode is placed and which live area it falls in."""
    from casserole.services.places import place

    try:
        placement = place(postcode)
    except PostcodeError as err:
        raise click.ClickException(f"Postcode {err}") from None
    loc = placement.location
    area = placement.area.name if placement.area else "outside every live area"
    click.echo(
        f"{loc.postcode}: {loc.latitude:.6f}, {loc.longitude:.6f} "
        f"({loc.precision.value} precision), {area}"
    )


@click.command("deliver-mail")
def deliver_mail() -> None:
    """Send queued e-mail that is due (run from cron to retry failed sends)."""
    from casserole.services.mail import deliver_pending

    click.echo(f"Sent {plural(deliver_pending(limit=10_000), 'message')}.")


@click.command("apply-breaks")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Run as if on this date (YYYY-MM-DD); default: today in London.",
)
def apply_breaks(today: datetime | None) -> None:
    """Start cooks' breaks due, end those over, and look again for missing stand-ins (daily)."""
    from casserole.services.pairings.breaks import apply_break_transitions

    run = apply_break_transitions(today=today.date() if today else None)
    click.echo(
        f"Started {plural(run.breaks_started, 'break')} ({plural(run.paused, 'pairing')} "
        f"paused), ended {plural(run.breaks_ended, 'break')} ({plural(run.resumed, 'pairing')} "
        f"restarted, {plural(run.stand_ins_ended, 'stand-in')} ended, "
        f"{plural(run.proposals_withdrawn, 'proposal')} withdrawn); "
        f"{plural(run.stand_ins_proposed, 'stand-in')} proposed, "
        f"{plural(run.uncovered, 'diner')} still without a stand-in."
    )


@click.command("apply-retention")
@click.option("--days", type=int, default=None, help="Override RETENTION_DAYS.")
def apply_retention(days: int | None) -> None:
    """Clear notes of long-ended pairings, delivered e-mail and stale waiting-list entries."""
    from flask import current_app

    from casserole.services.rights import apply_retention as run

    keep = days if days is not None else current_app.config["RETENTION_DAYS"]
    cleared = run(keep, mail_days=current_app.config.get("MAIL_RETENTION_DAYS", 7))
    click.echo(
        f"Cleared the notes of {plural(cleared.pairings, 'pairing')} that ended over "
        f"{plural(keep, 'day')} ago, {plural(cleared.messages, 'delivered e-mail')}, "
        f"{plural(cleared.waiting, 'waiting-list entry', 'waiting-list entries')} "
        f"and the client addresses of {plural(cleared.addresses, 'audit event')}."
    )


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Write a consistent backup of the database to PATH (SQLite file or pg_dump archive)."""
    from casserole.services.backup import BackupError, backup

    started = time.perf_counter()
    try:
        backup(path)
    except BackupError as err:
        raise click.ClickException(f"Backup failed: {err}") from None
    size = path.stat().st_size
    click.echo(
        f"Backed up to {path} ({size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s."
    )


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the database's contents with the backup at PATH."""
    from casserole.services.backup import BackupError, restore

    if not yes:
        click.confirm("This replaces everything in the database. Continue?", abort=True)
    started = time.perf_counter()
    try:
        restore(path)
    except BackupError as err:
        raise click.ClickException(f"Restore failed: {err}") from None
    click.echo(f"Restored {path} in {time.perf_counter() - started:.1f} s.")


@click.command("open-district")
@click.argument("area_slug")
@click.argument("outcode")
def open_district(area_slug: str, outcode: str) -> None:
    """Add postcode district OUTCODE to an area and e-mail the people waiting for it."""
    from casserole.services.areas import AreaError
    from casserole.services.areas import open_district as run

    try:
        opened = run(area_slug, outcode)
    except AreaError as err:
        raise click.ClickException(str(err)) from None
    click.echo(
        f"{opened.outcode} is now part of {opened.area.name}; "
        f"told {plural(opened.notified, 'waiting person', 'waiting people')}."
    )


@click.command("create-admin")
@click.argument("email")
def create_admin(email: str) -> None:
    """Make an admin account for EMAIL and print a one-time link to choose its password."""
    from casserole.services.accounts import FieldError
    from casserole.services.admin.people import create_admin as run

    try:
        invited = run(email)
    except FieldError as err:
        raise click.ClickException("; ".join(err.errors.values())) from None
    click.echo(f"Admin {invited.user.email} created. To choose a password (once, within 7 days):")
    click.echo(invited.link)


@click.command("import-referrals")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--area", "slug", required=True, help="The area's slug, e.g. barnet.")
@click.option("--by", "email", required=True, help="E-mail of the coordinator importing them.")
@click.option("--dry-run", is_flag=True, help="Check every row and list problems; change nothing.")
def import_referrals(file: Path, slug: str, email: str, dry_run: bool) -> None:
    """Import referrals from a CSV file: every row checked first, then all of them or none."""
    from casserole.services.casework import imports

    try:
        area, coordinator = imports.area_and_coordinator(slug, email)
    except LookupError as err:
        raise click.ClickException(str(err)) from None
    data = file.read_bytes()
    rows = max(data.count(b"\n") - 1, 1)
    label = "Checking" if dry_run else "Importing"
    with click.progressbar(length=rows, label=f"{label} {file.name}", file=sys.stderr) as bar:
        if dry_run:
            result, done = imports.preview(area, data, bar.update), None
        else:
            result, done = imports.run_import(area, data, coordinator, bar.update)
    for line in imports.problem_lines(result):
        click.echo(line)
    if dry_run and result.ok:
        click.echo(
            f"Dry run: {len(result.new_rows)} new, {result.duplicates} already registered; "
            "nothing changed."
        )
    else:
        click.echo(imports.summary(result, done))
    if not result.ok:
        sys.exit(1)


@click.group("welfare")
def welfare_group() -> None:
    """The safety net's timed work: escalations, reminders, nudges and digests."""


def _day(value: str | None) -> date | None:
    from casserole.params import parse_date

    if value is None:
        return None
    day = parse_date(value)
    if day is None:
        raise click.BadParameter("give a date like 2026-12-01", param_hint="--today")
    return day


@welfare_group.command("escalate")
def welfare_escalate() -> None:
    """Escalate welfare checks left without an outcome (run it every few minutes)."""
    from casserole.services import welfare

    count = welfare.escalate_overdue()
    click.echo(f"Escalated {plural(count, 'welfare check')}.")


@welfare_group.command("remind")
@click.option("--today", default=None, help="Run as if today were this date (YYYY-MM-DD).")
def welfare_remind(today: str | None) -> None:
    """Remind cooks of tomorrow's meal days (run it daily)."""
    from casserole.services.pairings import reminders

    count = reminders.send_meal_day_reminders(_day(today))
    click.echo(f"Sent {plural(count, 'meal-day reminder')}.")


@welfare_group.command("nudge")
@click.option("--today", default=None, help="Run as if today were this date (YYYY-MM-DD).")
def welfare_nudge(today: str | None) -> None:
    """Nudge cooks whose usual meal day yesterday has no meal logged (run it daily)."""
    from casserole.services.pairings import reminders

    count = reminders.nudge_missed_meal_days(_day(today))
    click.echo(f"Sent {plural(count, 'nudge')} about a missed meal day.")


@welfare_group.command("digest")
@click.option("--today", default=None, help="Run as if today were this date (YYYY-MM-DD).")
def welfare_digest(today: str | None) -> None:
    """Send each coordinator their daily digest (run it daily)."""
    from casserole.services.pairings import reminders

    count = reminders.send_coordinator_digest(_day(today))
    click.echo(f"Sent {plural(count, 'digest')}.")
