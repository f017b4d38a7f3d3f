"""Writes for bulk exports. Requests, retries and housekeeping follow the house rule (change, audit, flush;
the caller commits). The runner's own steps (claim, heartbeat, finish, fail) are short conditional updates
that commit at once, so progress is visible to every worker and a runner that lost its job notices."""

import io
import logging
from datetime import datetime, timedelta
from typing import BinaryIO

from flask import current_app
from flask_babel import get_translations
from flask_babel import gettext as _
from sqlalchemy import case, delete, func, insert, select, update

from ..auth.models import User
from ..core import audit, queue
from ..core.errors import RuleBroken
from ..core.extensions import db
from ..core.formatting import format_number
from ..core.models import utcnow
from . import queries
from .models import ExportChunk, ExportJob, ExportStatus

log = logging.getLogger(__name__)
CHUNK_BYTES = 1024 * 1024  # a stored zip's piece: one row, one read, one write to the client
FIRST_JOB = "build_export"  # reports/exports.py: an export's first job, (job id,), then its batches and zip, (job id, attempt, ...)
LATER_JOBS = ("render_export_sheets", "zip_export")


def dead_message() -> str:
    return _("The export stopped before it finished: the server process building it ended (a restart or a crash). "
             "Nothing was lost; retry it.")


def request_export(*, date_from, date_to, hospital_ids, signed_only: bool, user: User) -> ExportJob:
    """Queue an export of every sheet in the range; refused while the user's previous export is still
    being built, when no sheet matches, and above the size limit."""
    reap_dead_exports()
    busy = db.session.scalar(select(func.count()).select_from(ExportJob).where(
        ExportJob.requested_by_id == user.id, ExportJob.status.in_((ExportStatus.QUEUED, ExportStatus.RUNNING))))
    if busy:
        raise RuleBroken("form", _("Your previous export is still being built. Wait for it to finish, then ask for the next."))
    sheets = queries.count_export_feedback(date_from, date_to, hospital_ids, signed_only, user)
    if not sheets:
        raise RuleBroken("date_from", _("No feedback sheet matches: no visit to these hospitals started in these dates "
                                        "has feedback yet."))
    limit = current_app.config["EXPORT_MAX_SHEETS"]
    if sheets > limit:
        told = get_translations().ungettext(  # not ngettext, which would print its count as it comes: 2113
            "%(num)s sheet matches, more than the %(limit)s one export holds. Choose fewer hospitals or a shorter range.",
            "%(num)s sheets match, more than the %(limit)s one export holds. Choose fewer hospitals or a shorter range.",
            sheets)
        raise RuleBroken("date_from", told % {"num": format_number(sheets, 0), "limit": format_number(limit, 0)})
    job = ExportJob(requested_by_id=user.id, date_from=date_from, date_to=date_to, hospital_ids=sorted(set(hospital_ids)),
                    signed_only=signed_only, total=sheets)
    db.session.add(job)
    db.session.flush()
    names = queries.hospital_names(job.hospital_ids)
    audit.record("export.request", job, summary=f"asked for the feedback sheets of {date_from.isoformat()} to "
                 f"{date_to.isoformat()} ({', '.join(names) if names else 'every hospital'})",
                 after={"date_from": date_from.isoformat(), "date_to": date_to.isoformat(), "hospitals": names,
                        "signed_only": signed_only, "sheets": sheets}, user=user)
    return job


def retry_export(job: ExportJob, user: User | None) -> ExportJob:
    """Queue a failed export again, from the start (user None: an operator's `flask run-export`)."""
    if job.status != ExportStatus.FAILED:
        raise RuleBroken("form", _("Only a failed export can be retried."))
    remove_zip(job)
    job.status, job.done, job.error, job.started_at, job.finished_at, job.heartbeat_at = ExportStatus.QUEUED, 0, "", None, None, None
    db.session.flush()
    audit.record("export.retry", job, summary=f"retried export {job.id}", user=user,
                 username=None if user is not None else "command line")
    return job


def _dead_condition(now: datetime):
    stale = now - timedelta(seconds=current_app.config["EXPORT_STALE_SECONDS"])
    return (ExportJob.status == ExportStatus.RUNNING) & (ExportJob.heartbeat_at < stale)


def _waiting_on_queue(names: tuple[str, ...], width: int) -> set[tuple]:
    """The first `width` arguments (job id, attempt) of the exports' jobs named in `names` that wait their turn in the
    job queue; none when the queue cannot be read (the heartbeat alone then judges, as without a queue)."""
    try:
        return {tuple(args[:width]) for args in queue.waiting(*names)}
    except Exception:  # noqa: BLE001 - a page that reads an export never fails for the queue's storage
        log.exception("could not read the job queue's waiting jobs")
        return set()


def reap_dead_exports(now: datetime | None = None) -> int:
    """Deal with every export whose runner stopped beating (killed worker, restart): with the job queue, queued
    again (up to EXPORT_MAX_ATTEMPTS runs), for the worker's next sweep to run; otherwise, and after the last attempt, marked
    failed. An export whose next batch or zip waits its turn in the queue (another export's batches ahead of it) is not
    dead: it is beaten for. Reads first and writes only when there is something to change, in a transaction of its own
    that starts with the write, so a page that polls never holds SQLite's write lock and never upgrades a read snapshot."""
    now = now or utcnow()
    condition = _dead_condition(now)
    stale = {tuple(row) for row in db.session.execute(select(ExportJob.id, ExportJob.attempt).where(condition))}
    if not stale:
        return 0
    waiting = stale & _waiting_on_queue(LATER_JOBS, 2)
    db.session.commit()  # end the read transaction: the update below begins a fresh one
    if waiting:
        for job_id, attempt in waiting:
            db.session.execute(_mine(job_id, attempt).values(heartbeat_at=now).execution_options(synchronize_session=False))
        if waiting == stale:
            db.session.commit()
            return 0
        condition &= ExportJob.id.not_in([job_id for job_id, _attempt in waiting])
    again = []
    if current_app.config["EXPORT_IN_BACKGROUND"]:
        again = db.session.scalars(select(ExportJob.id).where(
            condition, ExportJob.attempt < current_app.config["EXPORT_MAX_ATTEMPTS"]).with_for_update()).all()
        if again:
            db.session.execute(update(ExportJob).where(condition, ExportJob.id.in_(again)).values(
                status=ExportStatus.QUEUED, done=0, heartbeat_at=None).execution_options(synchronize_session=False))
    result = db.session.execute(
        update(ExportJob).where(condition).values(status=ExportStatus.FAILED, error=dead_message(), finished_at=now)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount + len(again)


def lost_exports(now: datetime | None = None) -> list[int]:
    """Queued exports no worker has taken for a while: their job was lost (a worker killed holding it), or they were
    queued again after their worker died. One whose job still waits its turn in the queue is not lost."""
    stale = (now or utcnow()) - timedelta(seconds=current_app.config["EXPORT_STALE_SECONDS"])
    ids = db.session.scalars(select(ExportJob.id).where(
        ExportJob.status == ExportStatus.QUEUED, func.coalesce(ExportJob.started_at, ExportJob.created_at) < stale)).all()
    db.session.rollback()
    if not ids:
        return []
    waiting = _waiting_on_queue((FIRST_JOB,), 1)
    return [job_id for job_id in ids if (job_id,) not in waiting]


def remove_zip(job: ExportJob) -> None:
    db.session.execute(delete(ExportChunk).where(ExportChunk.job_id == job.id))
    job.file_name = ""


def purge_expired_exports(now: datetime | None = None) -> int:
    """Delete the zips of exports past their day; the rows stay, shown as expired."""
    now = now or utcnow()
    reap_dead_exports(now)
    expired = db.session.scalars(select(ExportJob).where(
        ExportJob.status == ExportStatus.DONE, ExportJob.file_name != "", ExportJob.expires_at <= now)).all()
    for job in expired:
        remove_zip(job)
    return len(expired)


def claim(job_id: int) -> int | None:
    """Take a queued job for this runner; returns the attempt number, or None when another runner has it."""
    now = utcnow()
    result = db.session.execute(
        update(ExportJob).where(ExportJob.id == job_id, ExportJob.status == ExportStatus.QUEUED)
        .values(status=ExportStatus.RUNNING, attempt=ExportJob.attempt + 1, done=0, error="", started_at=now, heartbeat_at=now,
                finished_at=None)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        return None
    attempt = db.session.scalar(select(ExportJob.attempt).where(ExportJob.id == job_id))
    db.session.commit()
    return attempt


def _mine(job_id: int, attempt: int):
    return update(ExportJob).where(ExportJob.id == job_id, ExportJob.attempt == attempt, ExportJob.status == ExportStatus.RUNNING)


def beat(job_id: int, attempt: int, done: int, total: int | None = None) -> bool:
    """Record progress and that the runner lives; False when the job is no longer this runner's."""
    values = {"done": done, "heartbeat_at": utcnow()}
    if total is not None:
        values["total"] = total
    result = db.session.execute(_mine(job_id, attempt).values(**values).execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def advance(job_id: int, attempt: int, sheets: int = 1) -> bool:
    """Count `sheets` more as ready (never beyond the total) from one of the jobs the export's rendering is spread
    over, and that it lives; False when the export is no longer this attempt's."""
    more = ExportJob.done + sheets
    result = db.session.execute(_mine(job_id, attempt).values(
        done=case((more > ExportJob.total, ExportJob.total), else_=more), heartbeat_at=utcnow())
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def finish(job_id: int, attempt: int, zip_file: BinaryIO) -> bool:
    """Store the finished zip (read from `zip_file` a piece at a time) and mark the job done, in one transaction;
    False, and nothing stored, when the job is no longer this runner's."""
    now = utcnow()
    size = zip_file.seek(0, io.SEEK_END)
    zip_file.seek(0)
    result = db.session.execute(_mine(job_id, attempt).values(
        status=ExportStatus.DONE, done=ExportJob.total, file_name=f"export-{job_id}.zip", file_size=size, finished_at=now,
        heartbeat_at=now, expires_at=now + timedelta(hours=current_app.config["EXPORT_KEEP_HOURS"]),
    ).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        return False
    db.session.execute(delete(ExportChunk).where(ExportChunk.job_id == job_id))
    seq = 0
    while piece := zip_file.read(CHUNK_BYTES):
        db.session.execute(insert(ExportChunk).values(job_id=job_id, seq=seq, data=piece))
        seq += 1
    db.session.commit()
    return True


def fail(job_id: int, attempt: int, message: str) -> None:
    db.session.rollback()
    db.session.execute(_mine(job_id, attempt).values(status=ExportStatus.FAILED, error=message[:2000], finished_at=utcnow())
                       .execution_options(synchronize_session=False))
    db.session.commit()
