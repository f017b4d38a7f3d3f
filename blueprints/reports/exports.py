"""The bulk export runner: every feedback sheet of a job as one PDF each, in one zip.

Each sheet is read, the read transaction ended, and only then rendered (WeasyPrint takes far longer than the
reads, and no transaction may stay open that long); a signed sheet only once, its stored PDF zipped afterwards
(reports/stored_sheets.py). In the job queue the signed sheets not stored yet are rendered first, in batches that
every worker process takes a share of (`render_export_sheets`), and the zip is made from the stored copies once
all have ended (`zip_export`), so a year of sheets is not rendered by one process. The runner records its progress
and a heartbeat in the job's row; a runner that dies stops beating, and the job is run again by the sweep (queued
once more) or marked failed when next read, unless its next job waits its turn in the queue (services.reap_dead_exports
beats for it). A run taken from its runner (a retry) stops writing.
The zip is written to a nameless temporary file and, once complete, stored in the database in pieces (export_chunk)
in the transaction that marks the job done, so a half-written zip is never served and every app server serves it.

Runs in the job queue's workers (`start_in_background`) or in one process from the command line
(`flask run-export JOB_ID`).
"""

import logging
import tempfile
import time
import zipfile
from collections.abc import Callable
from types import SimpleNamespace

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..core.downloads import safe_name
from ..core.extensions import db
from ..core.i18n import in_language
from ..core.queue import BULK, every_minute, job, periodic, spread
from ..core.roles import COORDINATOR
from . import queries, services, stored_sheets
from .models import ExportJob
from .pdf import render_pdf
from .sheets import sheet_for, sheets_html

log = logging.getLogger(__name__)
RENDER_BATCH = 20  # signed sheets per rendering job of a bulk export: a few seconds' work, a share for every worker
BEAT_SECONDS = 1  # a zip built from stored copies records its progress this often


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


def _job_feedback(job_id: int):
    """The export's feedback ids (a select), as its coordinator may still see them."""
    job = db.session.get(ExportJob, job_id)
    user = job.requested_by
    if user is None or user.role != COORDINATOR or not user.active:
        raise PermissionError(_("The coordinator who asked for this export no longer has access to the whole programme."))
    return queries.job_feedback(job, user)


def _guarded(job_id: int, attempt: int, step: Callable[[], str | None]) -> str | None:
    """Run one step of a claimed export: a failure ends the job as failed, with a message to show; a job taken from
    this runner stops it quietly (None)."""
    try:
        return step()
    except Superseded:
        db.session.rollback()
        return None
    except Exception as error:  # noqa: BLE001 - any failure ends the job as failed, with a message to show
        log.exception("export %s failed", job_id)
        message = str(error) if isinstance(error, PermissionError) else _(
            "The export failed (%(kind)s). Retry it; if it fails again, tell the system administrator.", kind=type(error).__name__)
        services.fail(job_id, attempt, message)
        return "failed"


def run_export(job_id: int) -> str | None:
    """Build a queued job's zip in this process alone (`flask run-export`); returns the job's final status, or None
    when another runner has it."""
    attempt = services.claim(job_id)
    if attempt is None:
        return None
    return _guarded(job_id, attempt, lambda: _zip(job_id, attempt, list(db.session.scalars(_job_feedback(job_id)))))


def _spread(job_id: int, attempt: int) -> str | None:
    """Queue the rendering of the signed sheets not stored yet in batches, for every worker process to take a share,
    and the zip once they are all done; when one batch holds them all, zip (and render) here at once."""
    feedback = _job_feedback(job_id)
    ids = list(db.session.scalars(feedback))
    signed, unstored = stored_sheets.to_render(feedback)
    todo = [feedback_id for feedback_id in ids if feedback_id in unstored]
    if len(todo) <= RENDER_BATCH:
        return _zip(job_id, attempt, ids)
    if not services.beat(job_id, attempt, len(signed) - len(todo), total=len(ids)):
        raise Superseded
    spread([render_export_sheets.s(job_id, attempt, todo[at:at + RENDER_BATCH]) for at in range(0, len(todo), RENDER_BATCH)],
           zip_export.s(job_id, attempt))
    return "rendering"


def _zip(job_id: int, attempt: int, ids: list[int], *, after_spread: bool = False) -> str:
    """Zip the sheets `ids`: the signed ones from the store (rendered now if missing), the drafts rendered now, each
    after the read transaction ended. Progress counts every sheet, or after a spread rendering (whose jobs counted the
    signed sheets) the drafts and the signed sheets rendered here."""
    part = tempfile.TemporaryFile()  # nameless: gone with the process whatever happens to it
    try:
        done = db.session.scalar(select(ExportJob.done).where(ExportJob.id == job_id)) if after_spread else 0
        if not services.beat(job_id, attempt, done, total=len(ids)):
            raise Superseded
        taken: set[str] = set()
        beaten = time.monotonic()
        with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for feedback_id in ids:
                feedback = queries.feedback_for_sheet(feedback_id)
                rendered = False
                if feedback is not None and feedback.signed:  # stored once, then only zipped (issue 23 item 4)
                    label = SimpleNamespace(hospital=feedback.visit.hospital.name, visit_start=feedback.visit.start_date,
                                            mentee=feedback.mentee.full_name)
                    name = entry_name(label, True, feedback_id, taken)
                    data = stored_sheets.stored_pdf(stored_sheets.key_for(feedback))
                    if data is None:
                        data, rendered = stored_sheets.signed_sheet_pdf(feedback, feedback.visit), True
                    archive.writestr(name, data)
                elif feedback is not None:  # removed since the count: left out
                    rendered = True
                    with in_language(feedback.mentee.preferred_language):
                        sheet = sheet_for(feedback, feedback.visit)
                        html = sheets_html([sheet])
                    name = entry_name(sheet, feedback.signed, feedback_id, taken)
                    db.session.rollback()  # every value is read: no transaction stays open while rendering
                    archive.writestr(name, render_pdf(html))
                if rendered or not after_spread:
                    done = min(done + 1, len(ids))
                db.session.commit()  # a stored copy written; else only the read transaction ends
                if rendered or time.monotonic() - beaten >= BEAT_SECONDS:
                    if not services.beat(job_id, attempt, done):
                        raise Superseded
                    beaten = time.monotonic()
        if not services.finish(job_id, attempt, part):
            raise Superseded
        return "done"
    finally:
        part.close()


@job(priority=BULK, retries=0)  # a failure is the job's own (shown, retried by the coordinator); a dead worker is swept
def build_export(job_id: int) -> str | None:
    attempt = services.claim(job_id)
    if attempt is None:
        return None
    return _guarded(job_id, attempt, lambda: _spread(job_id, attempt))


@job(priority=BULK, retries=2)
def render_export_sheets(job_id: int, attempt: int, feedback_ids: list[int]) -> int:
    """Store the PDFs of a batch of an export's signed sheets, counting each as ready; stops when the export is no
    longer this attempt's (failed, or run again after its worker died). Returns how many it rendered."""
    rendered = 0
    if not services.advance(job_id, attempt, 0):
        return rendered
    for feedback_id in feedback_ids:
        rendered += stored_sheets.ensure_stored(feedback_id)
        if not services.advance(job_id, attempt):
            break
    return rendered


@job(priority=BULK, retries=0)
def zip_export(job_id: int, attempt: int, _rendered: list | None = None) -> str | None:
    """The export's zip once its batches have ended (a failed batch's sheets are rendered here)."""
    return _guarded(job_id, attempt, lambda: _zip(job_id, attempt, list(db.session.scalars(_job_feedback(job_id))),
                                                        after_spread=True))


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
