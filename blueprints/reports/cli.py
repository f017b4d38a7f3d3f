"""The reports area's command-line tasks, registered on its blueprint: `flask --app app run-export JOB_ID`."""

import click
from flask.cli import with_appcontext

from ..core.extensions import db
from .exports import run_export
from .models import ExportJob
from .services import reap_dead_exports, retry_export


@click.command("run-export")
@click.argument("job_id", type=int)
@with_appcontext
def run_export_command(job_id):
    """Build a bulk export's zip here and now (a failed export is queued again first)."""
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
    click.echo(f"Export {job_id} done: {job.done} sheets, {job.file_size} bytes, kept in the database.")
