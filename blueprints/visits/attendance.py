"""Attendance: who came to held visits, mentors' rates and the visits they missed, mentees' days present out of the
days they were expected (the mentor and mentee pages, the visit page's lists and the coordinator's missed visits)."""

import hashlib
from datetime import date

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..core.extensions import db
from ..people.models import Assignment, Hospital, Mentee, Mentor
from ..people.scopes import readable_visits
from .models import MenteeAttendance, MentorAttendance, Visit, VisitStatus


def attendance_version(visit_id: int) -> str:
    """The version an attendance form is opened at: a digest of what is recorded for the visit, "" while nothing is
    (a first save has nothing to overwrite). Two phones marking the same visit offline meet a conflict, not a silent
    overwrite (issue 21); a digest needs no column, as the rating scale's version."""
    mentors = db.session.execute(select(MentorAttendance.mentor_id, MentorAttendance.present, MentorAttendance.reason)
                                 .where(MentorAttendance.visit_id == visit_id).order_by(MentorAttendance.mentor_id)).all()
    days = db.session.execute(select(MenteeAttendance.mentee_id, MenteeAttendance.day).where(MenteeAttendance.visit_id == visit_id)
                              .order_by(MenteeAttendance.mentee_id, MenteeAttendance.day)).all()
    if not mentors and not days:
        return ""
    recorded = repr(([(m, bool(p), r) for m, p, r in mentors], [(m, d.isoformat()) for m, d in days]))
    return hashlib.sha256(recorded.encode()).hexdigest()[:16]


def _mentor_counts(mentor_ids):
    """Held visits each mentor has an attendance row for, and how many of them they missed."""
    missed = func.sum(case((MentorAttendance.present.is_(False), 1), else_=0))
    return (
        select(MentorAttendance.mentor_id, func.count(MentorAttendance.id).label("recorded"), missed.label("missed"))
        .join(Visit, Visit.id == MentorAttendance.visit_id)
        .where(Visit.status == VisitStatus.HELD, MentorAttendance.mentor_id.in_(mentor_ids))
        .group_by(MentorAttendance.mentor_id)
    )


def mentor_attendance_summary(mentor_id: int) -> dict:
    """For the mentor page: held visits recorded, missed, attendance rate (or None), and the missed visits.

    Include `visits/_mentor_attendance.html` with `summary=` this dict.
    """
    row = db.session.execute(_mentor_counts([mentor_id])).one_or_none()
    recorded, missed = (row.recorded, row.missed or 0) if row else (0, 0)
    missed_visits = db.session.execute(
        select(Visit, MentorAttendance.reason)
        .join(MentorAttendance, MentorAttendance.visit_id == Visit.id)
        .where(MentorAttendance.mentor_id == mentor_id, MentorAttendance.present.is_(False), Visit.status == VisitStatus.HELD)
        .options(joinedload(Visit.hospital))
        .order_by(Visit.start_date.desc())
    ).all()
    return {"recorded": recorded, "missed": missed, "rate": rate(recorded - missed, recorded),
            "missed_visits": [{"visit": v, "reason": reason} for v, reason in missed_visits]}


def mentor_attendance_summaries(mentor_ids) -> dict[int, dict]:
    """Attendance counts for several mentors in one query (the visit page's team list)."""
    out = {mid: {"recorded": 0, "missed": 0, "rate": None} for mid in mentor_ids}
    for row in db.session.execute(_mentor_counts(list(mentor_ids))):
        missed = row.missed or 0
        out[row.mentor_id] = {"recorded": row.recorded, "missed": missed, "rate": rate(row.recorded - missed, row.recorded)}
    return out


def rate(part: int, whole: int) -> float | None:
    return None if not whole else round(100 * part / whole)


def _expected_visits_for(mentee_column):
    """Held visits a mentee was expected at: by a team that had one of their mentors while assigned."""
    return (
        select(Visit.id, Visit.days)
        .join(Mentor, Mentor.team_id == Visit.team_id)
        .join(Assignment, Assignment.mentor_id == Mentor.id)
        .where(
            Visit.status == VisitStatus.HELD,
            Assignment.mentee_id == mentee_column,
            Assignment.start_date <= Visit.end_date,
            or_(Assignment.end_date.is_(None), Assignment.end_date >= Visit.start_date),
        )
        .distinct()
    )


def mentee_rate_columns():
    """Correlated (expected days, present days) columns for a select of Mentee."""
    expected_visits = _expected_visits_for(Mentee.id).correlate(Mentee).subquery()
    expected = select(func.coalesce(func.sum(expected_visits.c.days), 0)).scalar_subquery()
    present = (
        select(func.count(MenteeAttendance.id))
        .join(Visit, Visit.id == MenteeAttendance.visit_id)
        .where(MenteeAttendance.mentee_id == Mentee.id, Visit.status == VisitStatus.HELD)
        .correlate(Mentee)
        .scalar_subquery()
    )
    return expected.label("expected_days"), present.label("present_days")


def mentee_attendance_rate(mentee_id: int) -> dict:
    """For the mentee page: days present out of the days of held visits they were expected at.

    Include `visits/_mentee_attendance.html` with `attendance=` this dict.
    """
    expected, present = mentee_rate_columns()
    row = db.session.execute(select(expected, present).select_from(Mentee).where(Mentee.id == mentee_id)).one_or_none()
    expected_days, present_days = (row.expected_days, row.present_days) if row else (0, 0)
    return {"expected_days": expected_days, "present_days": present_days, "rate": rate(present_days, expected_days)}


def recent_missed_visits(since: date, user: User, limit: int | None = 10, *, until: date | None = None,
                         province: str | None = None) -> list:
    """Mentors recorded absent from a held visit since a date (to `until`, in a province if given): shown to
    the coordinator unasked; `limit=None` returns them all (the dashboard groups them by mentor)."""
    query = (
        select(Visit, Mentor.id.label("mentor_id"), Mentor.full_name, MentorAttendance.reason)
        .join(MentorAttendance, MentorAttendance.visit_id == Visit.id)
        .join(Mentor, Mentor.id == MentorAttendance.mentor_id)
        .where(MentorAttendance.present.is_(False), Visit.start_date >= since, Visit.status == VisitStatus.HELD, readable_visits(user))
        .options(joinedload(Visit.hospital))
        .order_by(Visit.start_date.desc(), Visit.id.desc())
        .limit(limit)
    )
    if until is not None:
        query = query.where(Visit.start_date <= until)
    if province:
        query = query.where(Visit.hospital_id.in_(select(Hospital.id).where(Hospital.province == province)))
    return db.session.execute(query).all()
