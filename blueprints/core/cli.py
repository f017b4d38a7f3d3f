"""The kernel's command-line tasks: `flask --app app backup FILE`, `restore FILE`, `check-deploy`, `worker`. The areas
register their own (auth: create-user, unlock; reports: run-export) and blueprints/commands.py those that span them.
Backup and the deployment check are imported by their commands, not by every worker that builds the app."""

import click
from flask import Flask

from .extensions import db
from .queue import run_worker


def register_cli(app: Flask) -> None:
    @app.cli.command("backup")
    @click.argument("destination", type=click.Path(dir_okay=False))
    def backup_command(destination):
        """Copy the database to DESTINATION, consistently, while the app keeps running."""
        from .backup import backup  # lazy: for this command only

        db.session.remove()
        backup(app.config["SQLALCHEMY_DATABASE_URI"], destination)
        click.echo(f"Backed up to {destination}.")

    @app.cli.command("restore")
    @click.argument("source", type=click.Path(exists=True, dir_okay=False))
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    def restore_command(source, yes):
        """Replace the database with the backup SOURCE (stop the app servers first)."""
        from .backup import restore  # lazy: for this command only

        if not yes:
            click.confirm("This replaces everything in the database with the backup. Continue?", abort=True)
        db.session.remove()
        db.engine.dispose()
        restore(app.config["SQLALCHEMY_DATABASE_URI"], source)
        click.echo(f"Restored from {source}.")

    @app.cli.command("worker")
    @click.option("--workers", default=2, show_default=True, help="How many jobs run at once.")
    @click.option("--kind", type=click.Choice(["process", "thread"]), default="process", show_default=True,
                  help="Processes render PDFs in parallel; threads share one process.")
    def worker_command(workers, kind):
        """Run the job queue's worker: e-mail, bulk exports, pre-rendered sheets, the daily and every-minute tasks."""
        run_worker(app, workers, kind)

    @app.cli.command("check-deploy")
    def check_deploy_command():
        """Fail when the configuration is unsafe for production."""
        from .deploy import deployment_problems  # lazy: for this command only

        problems = deployment_problems(app)
        for problem in problems:
            click.echo(f"UNSAFE: {problem}", err=True)
        if problems:
            raise SystemExit(1)
        click.echo("The configuration is safe for production.")
