"""Reads for bulk exports: which feedback a job exports, and the jobs themselves."""

from collections.abc import Iterator

from flask import abort
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..core.extensions import db
from ..mentoring.models import Feedback, FeedbackStatus
from ..people.models import Hospital, Mentee
from ..people.scopes import feedback_mentees
from ..visits.models import Visit
from .models import ExportChunk, ExportJob


def export_feedback(date_from, date_to, hospital_ids, signed_only: bool, user: User) -> Select:
    """Feedback ids for the visits that started in the range at those hospitals (none: all), hospital by
    hospital, visit by visit, mentee by mentee; scoped like every other read of feedback."""
    query = (
        select(Feedback.id)
        .join(Visit, Visit.id == Feedback.visit_id).join(Hospital, Hospital.id == Visit.hospital_id)
        .join(Mentee, Mentee.id == Feedback.mentee_id)
        .where(Visit.start_date >= date_from, Visit.start_date <= date_to, feedback_mentees(user))
        .order_by(Hospital.name, Visit.start_date, Visit.id, Mentee.full_name, Feedback.id)
    )
    if hospital_ids:
        query = query.where(Visit.hospital_id.in_(list(hospital_ids)))
    if signed_only:
        query = query.where(Feedback.status == FeedbackStatus.SIGNED)
    return query


def count_export_feedback(date_from, date_to, hospital_ids, signed_only: bool, user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(
        export_feedback(date_from, date_to, hospital_ids, signed_only, user).subquery()))


def job_feedback(job: ExportJob, user: User) -> Select:
    return export_feedback(job.date_from, job.date_to, job.hospital_ids, job.signed_only, user)


def feedback_for_sheet(feedback_id: int) -> Feedback | None:
    return db.session.scalar(
        select(Feedback).where(Feedback.id == feedback_id)
        .options(joinedload(Feedback.visit).joinedload(Visit.hospital), joinedload(Feedback.mentor),
                 joinedload(Feedback.mentee).joinedload(Mentee.profession),
                 joinedload(Feedback.mentee).joinedload(Mentee.department))
    )


def export_jobs() -> Select:
    """Every export, newest first (coordinators all see the whole programme, so they share the list)."""
    return select(ExportJob).options(joinedload(ExportJob.requested_by)).order_by(ExportJob.created_at.desc(), ExportJob.id.desc())


def get_export_or_404(job_id: int) -> ExportJob:
    job = db.session.scalar(select(ExportJob).where(ExportJob.id == job_id).options(joinedload(ExportJob.requested_by)))
    if job is None:
        abort(404)
    return job


def hospital_names(ids) -> list[str]:
    if not ids:
        return []
    return list(db.session.scalars(select(Hospital.name).where(Hospital.id.in_(list(ids))).order_by(Hospital.name)))


def export_zip_pieces(job_id: int) -> Iterator[bytes]:
    """A stored zip's pieces in order, each read in a transaction of its own (none stays open while the client
    reads), so only one piece is in memory at a time."""
    seq = 0
    while (piece := db.session.scalar(select(ExportChunk.data).where(ExportChunk.job_id == job_id,
                                                                     ExportChunk.seq == seq))) is not None:
        db.session.rollback()
        yield piece
        seq += 1
    db.session.rollback()
