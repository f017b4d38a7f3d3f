"""The command-line tasks that span the areas, registered by app.py: `flask --app app seed-defaults`, `daily`,
`demo-data`, `demo-accounts`, and the daily task the job queue's worker runs. Each area's own tasks are on its
blueprint (auth, reports) and the kernel's in core/cli.py.

The default content and the demo programme are imported by their commands, not here: every web worker builds the
app, and none of them needs those modules (tests/core/test_cold_start.py checks it)."""

import logging

import click
from flask.cli import with_appcontext

from .auth.throttle import purge_expired
from .core.extensions import db
from .core.queue import daily_at, periodic, weekly_at
from .dashboard.weekly_summary import send_weekly_summary
from .mentoring.mentee_messages import send_mentee_messages
from .people.services.transfers import apply_due_transfers
from .reports.services import purge_expired_exports
from .visits.reminders import send_visit_reminders
from .visits.services import notify_overdue_hospitals

log = logging.getLogger(__name__)


@click.command("seed-defaults")
@with_appcontext
def seed_defaults_command():
    """Add the default departments and professions that are missing (safe to run again)."""
    from .defaults import seed_defaults  # lazy: for this command and the demo only, not every worker

    seed_defaults()
    db.session.commit()
    click.echo("Default departments and professions are in place.")


@click.command("daily")
@with_appcontext
def daily_command():
    """Daily housekeeping, by hand (the worker runs it every night; safe to run more than once a day): apply
    transfers whose date has come, tell coordinators of hospitals that became overdue, remind each visit's mentors,
    mentees and administrators a week and a day before it, tell mentees their self-assessment is open and their
    action items are due, delete bulk exports older than a day and sign-in counters whose window has closed."""
    run_daily(click.echo)


def run_daily(say=lambda line: None) -> None:
    applied = apply_due_transfers()
    db.session.commit()
    say(f"Transfers applied: {applied}.")
    overdue = notify_overdue_hospitals()
    reminders = send_visit_reminders()
    db.session.commit()
    say(f"Overdue hospitals notified: {overdue}. Visit reminders: {reminders}.")
    mentees = send_mentee_messages()
    db.session.commit()
    say(f"Messages to mentees (self-assessments open, action items due): {mentees}.")
    purged = purge_expired_exports()
    db.session.commit()
    say(f"Expired exports deleted: {purged}.")
    counters = purge_expired()
    db.session.commit()
    say(f"Closed sign-in counters deleted: {counters}.")


@periodic(daily_at(1, 0))  # 03:00 in Kigali, in the night's quiet
def daily_task() -> None:
    run_daily(log.info)


@periodic(weekly_at(1, 5, 0))  # Monday 07:00 in Kigali, for the coordinators' week
def weekly_task() -> None:
    told = send_weekly_summary()
    db.session.commit()
    log.info("Weekly summary sent to %s coordinator(s).", told)


@click.command("demo-data")
@click.option("--reset", is_flag=True, help="Delete everything in the database first.")
@click.option("--if-empty", is_flag=True, help="Load only into an empty database; otherwise do nothing (for make run).")
@click.option("--seed", default=None, type=int, help="Random seed (same seed and date, same data).")
@click.option("--today", default=None, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The date the demo programme is built around (default: today in the programme's time zone).")
@with_appcontext
def demo_data_command(reset, if_empty, seed, today):
    """Build the invented demo programme of DOMAIN.md."""
    from .demo import DEFAULT_SEED, DemoRefused, build_demo, database_is_empty  # lazy: every area's demo rows

    if if_empty and not database_is_empty():
        click.echo("The database already has data; demo data not loaded.")
        return
    try:
        counts = build_demo(
            seed=DEFAULT_SEED if seed is None else seed,
            today=today.date() if today else None,  # None: the programme's today (Kigali), not the server's
            reset=reset,
        )
    except DemoRefused as refusal:
        raise click.ClickException(str(refusal)) from None
    db.session.commit()
    click.echo("Demo programme loaded (invented data): " + ", ".join(f"{n} {k}" for k, n in counts.items()))


@click.command("demo-accounts")
@with_appcontext
def demo_accounts_command():
    """Print every account with its role and hospital or team, as the README's table of demo accounts."""
    from .people.demo import accounts_table  # lazy: with the demo programme, for this command only

    click.echo(accounts_table())


COMMANDS = (seed_defaults_command, daily_command, demo_data_command, demo_accounts_command)
