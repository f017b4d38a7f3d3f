"""The bulk export runner: every feedback sheet of a job as one PDF each, in one zip.

Each sheet is read, the read transaction ended, and only then rendered (WeasyPrint takes far longer than the
reads, and no transaction may stay open that long); a signed sheet only once, its stored PDF zipped afterwards
(reports/stored_sheets.py). After every sheet the runner records its progress and a
heartbeat in the job's row; a runner that dies stops beating and the job is marked failed when next read.
The zip is written to a nameless temporary file and, once complete, stored in the database in pieces (export_chunk)
in the transaction that marks the job done, so a half-written zip is never served and every app server serves it.

Runs in the job queue's worker (`start_in_background`) or from the command line (`flask run-export JOB_ID`).
"""

import logging
import tempfile
import zipfile
from types import SimpleNamespace

from flask import current_app
from flask_babel import gettext as _

from ..core.downloads import safe_name
from ..core.extensions import db
from ..core.i18n import in_language
from ..core.queue import every_minute, job, periodic
from ..core.roles import COORDINATOR
from . import queries, services, stored_sheets
from .models import ExportJob
from .pdf import render_pdf
from .sheets import sheet_for, sheets_html

log = logging.getLogger(__name__)


class Superseded(Exception):
    """The job was taken from this runner (marked dead and retried elsewhere): stop quietly."""


def entry_name(sheet, signed: bool, feedback_id: int, taken: set[str]) -> str:
    """hospital/visit-date/mentee.pdf, with -draft for unsigned sheets; unique within the zip."""
    stem = f"{safe_name(sheet.hospital)}/{sheet.visit_start.isoformat()}/{safe_name(sheet.mentee)}"
    if not signed:
        stem += "-draft"
    name = f"{stem}.pdf"
    if name in taken:
        name = f"{stem}-{feedback_id}.pdf"
    taken.add(name)
    return name


def download_name(job: ExportJob) -> str:
    return f"feedback-sheets-{job.date_from.isoformat()}-to-{job.date_to.isoformat()}.zip"


def run_export(job_id: int) -> str | None:
    """Build a queued job's zip; returns the job's final status, or None when another runner has it."""
    attempt = services.claim(job_id)
    if attempt is None:
        return None
    part = tempfile.TemporaryFile()  # nameless: gone with the process whatever happens to it
    try:
        job = db.session.get(ExportJob, job_id)
        user = job.requested_by
        if user is None or user.role != COORDINATOR or not user.active:
            raise PermissionError(_("The coordinator who asked for this export no longer has access to the whole programme."))
        ids = list(db.session.scalars(queries.job_feedback(job, user)))
        if not services.beat(job_id, attempt, 0, total=len(ids)):
            raise Superseded
        taken: set[str] = set()
        with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for done, feedback_id in enumerate(ids, start=1):
                feedback = queries.feedback_for_sheet(feedback_id)
                if feedback is not None and feedback.signed:  # stored once, then only zipped (issue 23 item 4)
                    label = SimpleNamespace(hospital=feedback.visit.hospital.name, visit_start=feedback.visit.start_date,
                                            mentee=feedback.mentee.full_name)
                    name = entry_name(label, True, feedback_id, taken)
                    archive.writestr(name, stored_sheets.signed_sheet_pdf(feedback, feedback.visit))
                elif feedback is not None:  # removed since the count: left out
                    with in_language(feedback.mentee.preferred_language):
                        sheet = sheet_for(feedback, feedback.visit)
                        html = sheets_html([sheet])
                    name = entry_name(sheet, feedback.signed, feedback_id, taken)
                    db.session.rollback()  # every value is read: no transaction stays open while rendering
                    archive.writestr(name, render_pdf(html))
                if not services.beat(job_id, attempt, done):
                    raise Superseded
        if not services.finish(job_id, attempt, part):
            raise Superseded
        return "done"
    except Superseded:
        db.session.rollback()
        return None
    except Exception as error:  # noqa: BLE001 - any failure ends the job as failed, with a message to show
        log.exception("export %s failed", job_id)
        message = str(error) if isinstance(error, PermissionError) else _(
            "The export failed (%(kind)s). Retry it; if it fails again, tell the system administrator.", kind=type(error).__name__)
        services.fail(job_id, attempt, message)
        return "failed"
    finally:
        part.close()


@job(retries=0)  # a failure is the job's own (shown, retried by the coordinator); a dead worker is swept
def build_export(job_id: int) -> str | None:
    return run_export(job_id)


def start_in_background(job_id: int) -> None:
    """Hand the job to the queue's worker. Off in tests and where operators run `flask run-export` themselves
    (EXPORT_IN_BACKGROUND)."""
    if current_app.config["EXPORT_IN_BACKGROUND"]:
        db.session.commit()  # hold no write lock of ours while the job runs (at once, in the tests' immediate mode)
        build_export(job_id)


@periodic(every_minute())
def sweep_exports() -> int:
    """Run again the exports whose worker died or whose job was lost before it started."""
    services.reap_dead_exports()
    lost = services.lost_exports()
    for job_id in lost:
        start_in_background(job_id)
    return len(lost)
