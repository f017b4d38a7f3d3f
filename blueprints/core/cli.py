"""Command-line tasks: `flask --app app create-user`, `seed-defaults`, `demo-data`, `demo-accounts`."""

import click
from flask import Flask

from .extensions import db


def register_cli(app: Flask) -> None:
    @app.cli.command("seed-defaults")
    def seed_defaults_command():
        """Add the default departments and professions that are missing (safe to run again)."""
        from .defaults import seed_defaults

        seed_defaults()
        db.session.commit()
        click.echo("Default departments and professions are in place.")

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--role", default="sysadmin", show_default=True,
                  type=click.Choice(["sysadmin", "coordinator"]),
                  help="Hospital administrators and mentors are created in the web UI, where a hospital or mentor is chosen.")
    @click.option("--display-name", default=None, help="Full name shown in the tool (defaults to the username).")
    @click.password_option(help="At least 12 characters; asked for when not given.")
    def create_user_command(username, role, display_name, password):
        """Create an account, typically the first system administrator."""
        from ..auth.forms import MIN_PASSWORD_LENGTH, is_common_password
        from ..auth.services import create_user, find_user

        if find_user(username) is not None:
            raise click.ClickException(f"a user named {username!r} already exists")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise click.ClickException(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
        if is_common_password(password):
            raise click.ClickException("this password is too common; choose another")
        user = create_user(username=username, display_name=display_name or username, role=role, password=password)
        db.session.commit()
        click.echo(f"Created {role} {user.username}.")

    @app.cli.command("daily")
    def daily_command():
        """Daily housekeeping for cron (safe to run more than once a day): apply transfers whose date has come,
        tell coordinators of hospitals that became overdue, remind mentors a week before their visit, delete
        bulk exports older than a day and sign-in counters whose window has closed."""
        from ..people.services.transfers import apply_due_transfers
        from ..visits.services import notify_overdue_hospitals, remind_mentors

        applied = apply_due_transfers()
        db.session.commit()
        click.echo(f"Transfers applied: {applied}.")
        overdue = notify_overdue_hospitals()
        reminders = remind_mentors()
        db.session.commit()
        click.echo(f"Overdue hospitals notified: {overdue}. Visit reminders: {reminders}.")
        from ..reports.services import purge_expired_exports

        purged = purge_expired_exports()
        db.session.commit()
        click.echo(f"Expired exports deleted: {purged}.")
        from ..auth.throttle import purge_expired

        counters = purge_expired()
        db.session.commit()
        click.echo(f"Closed sign-in counters deleted: {counters}.")

    @app.cli.command("run-export")
    @click.argument("job_id", type=int)
    def run_export_command(job_id):
        """Build a bulk export's zip here and now (a failed export is queued again first)."""
        from ..reports.exports import run_export
        from ..reports.models import ExportJob
        from ..reports.services import reap_dead_exports, retry_export

        reap_dead_exports()
        job = db.session.get(ExportJob, job_id)
        if job is None:
            raise click.ClickException(f"there is no export {job_id}")
        if job.status == "failed":
            retry_export(job, None)
            db.session.commit()
        elif job.status != "queued":
            raise click.ClickException(f"export {job_id} is {job.status}: only a queued or failed export is run")
        status = run_export(job_id)
        job = db.session.get(ExportJob, job_id)
        db.session.refresh(job)
        if status != "done":
            raise click.ClickException(f"export {job_id} {status or 'was taken by another runner'}: {job.error}")
        click.echo(f"Export {job_id} done: {job.done} sheets in {job.file_name}.")

    @app.cli.command("backup")
    @click.argument("destination", type=click.Path(dir_okay=False))
    def backup_command(destination):
        """Copy the database to DESTINATION, consistently, while the app keeps running."""
        from .backup import backup

        db.session.remove()
        backup(app.config["SQLALCHEMY_DATABASE_URI"], destination)
        click.echo(f"Backed up to {destination}.")

    @app.cli.command("restore")
    @click.argument("source", type=click.Path(exists=True, dir_okay=False))
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    def restore_command(source, yes):
        """Replace the database with the backup SOURCE (stop the app servers first)."""
        from .backup import restore

        if not yes:
            click.confirm("This replaces everything in the database with the backup. Continue?", abort=True)
        db.session.remove()
        db.engine.dispose()
        restore(app.config["SQLALCHEMY_DATABASE_URI"], source)
        click.echo(f"Restored from {source}.")

    @app.cli.command("check-deploy")
    def check_deploy_command():
        """Fail when the configuration is unsafe for production."""
        from .deploy import deployment_problems

        problems = deployment_problems(app)
        for problem in problems:
            click.echo(f"UNSAFE: {problem}", err=True)
        if problems:
            raise SystemExit(1)
        click.echo("The configuration is safe for production.")

    @app.cli.command("demo-data")
    @click.option("--reset", is_flag=True, help="Delete everything in the database first.")
    @click.option("--if-empty", is_flag=True, help="Load only into an empty database; otherwise do nothing (for make run).")
    @click.option("--seed", default=None, type=int, help="Random seed (same seed and date, same data).")
    @click.option("--today", default=None, type=click.DateTime(formats=["%Y-%m-%d"]),
                  help="The date the demo programme is built around (default: today in the programme's time zone).")
    def demo_data_command(reset, if_empty, seed, today):
        """Build the invented demo programme of DOMAIN.md."""
        from .demo import DEFAULT_SEED, DemoRefused, build_demo, database_is_empty

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

    @app.cli.command("demo-accounts")
    def demo_accounts_command():
        """Print every account with its role and hospital or team, as the README's table of demo accounts."""
        from .demo import accounts_table

        click.echo(accounts_table())
