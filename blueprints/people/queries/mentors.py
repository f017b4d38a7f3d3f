"""Reads for mentors: who may see which, their list, refreshers, mentees and sign-in accounts."""

from datetime import date, timedelta

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ...auth.models import User
from ...core.extensions import db
from ...core.programme import programme_settings
from ...core.roles import COORDINATOR
from ..models import Absence, Assignment, Hospital, Mentee, Mentor, Profession, Team, TrainingRecord
from ..scopes import readable_mentors


def active_mentee_count(mentor_id: int) -> int:
    return db.session.scalar(
        select(func.count(Assignment.id)).where(Assignment.mentor_id == mentor_id, Assignment.end_date.is_(None))
    )


def mentor_users(mentor_ids) -> list[User]:
    return list(db.session.scalars(select(User).where(User.mentor_id.in_(mentor_ids), User.active)))


def refresher_overdue(last_refresher: date | None, today: date) -> bool:
    interval = programme_settings().refresher_interval_days
    return last_refresher is None or (today - last_refresher).days > interval


def mentors_for_select(hospital_id: int | None) -> list[tuple[int, str]]:
    """Mentors to offer when assigning: those of the team that visits the hospital first, then the rest."""
    rows = db.session.execute(
        select(Mentor.id, Mentor.full_name, Profession.name, Team.name, Hospital.id.is_not(None))
        .join(Profession, Profession.id == Mentor.profession_id)
        .outerjoin(Team, Team.id == Mentor.team_id)
        .outerjoin(Hospital, (Hospital.team_id == Team.id) & (Hospital.id == hospital_id))
        .where(Mentor.active)
        .order_by(Hospital.id.is_(None), Mentor.full_name)
    ).all()
    return [(r[0], f"{r[1]} · {_(r[2])}" + (f" · {r[3]}" if r[3] else "")) for r in rows]


def get_mentor_or_404(mentor_id: int, user: User, action: str = "view") -> Mentor:
    mentor = db.session.scalar(
        select(Mentor)
        .where(Mentor.id == mentor_id, readable_mentors(user))
        .options(
            joinedload(Mentor.profession),
            joinedload(Mentor.team).selectinload(Team.hospitals),
            selectinload(Mentor.trainings),
        )
    )
    if mentor is None:
        abort(404)
    if action == "edit" and user.role != COORDINATOR:
        abort(403)
    if action == "absence" and user.role != COORDINATOR and user.mentor_id != mentor.id:
        abort(403)  # a mentor records their own leave and duty; the coordinator anyone's
    return mentor


def mentor_absences(mentor_id: int, today) -> Select:
    """The mentor's current and coming absences, soonest first."""
    return select(Absence).where(Absence.mentor_id == mentor_id, Absence.end_date >= today).order_by(Absence.start_date, Absence.id)


def last_refresher_column():
    """The date of the mentor's latest refresher course, as a column correlated to Mentor."""
    return (
        select(func.max(TrainingRecord.course_date))
        .where(TrainingRecord.mentor_id == Mentor.id, TrainingRecord.is_refresher)
        .correlate(Mentor)
        .scalar_subquery()
    )


def refresher_cutoff(today: date) -> date:
    """A refresher before this date is too old (the same rule as `refresher_overdue`)."""
    return today - timedelta(days=programme_settings().refresher_interval_days)


def mentors_query(
    search: str = "",
    profession_id: int | None = None,
    team_id: int | None = None,
    overdue_on: date | None = None,
) -> Select:
    """The mentor list; `overdue_on` keeps the active mentors whose last refresher is too old on that day."""
    query = (
        select(Mentor)
        .options(joinedload(Mentor.profession), joinedload(Mentor.team))
        .order_by(Mentor.full_name, Mentor.id)
    )
    if search:
        query = query.where(Mentor.full_name.ilike(f"%{search.strip()}%"))
    if profession_id:
        query = query.where(Mentor.profession_id == profession_id)
    if team_id:
        query = query.where(Mentor.team_id == team_id)
    if overdue_on is not None:
        last = last_refresher_column()
        query = query.where(Mentor.active, or_(last.is_(None), last < refresher_cutoff(overdue_on)))
    return query


def mentor_facts(mentor_ids) -> dict[int, dict]:
    """Last refresher and number of active mentees for each of these mentors, in one query."""
    ids = list(mentor_ids)
    if not ids:
        return {}
    active = (
        select(func.count(Assignment.id))
        .where(Assignment.mentor_id == Mentor.id, Assignment.end_date.is_(None))
        .correlate(Mentor)
        .scalar_subquery()
    )
    rows = db.session.execute(select(Mentor.id, last_refresher_column(), active).where(Mentor.id.in_(ids)))
    return {mentor_id: {"last_refresher": last, "active_mentees": n} for mentor_id, last, n in rows}


def mentor_assignments(mentor_id: int) -> Select:
    """Every pairing of the mentor, current first, with where the mentee works now."""
    return (
        select(Assignment)
        .where(Assignment.mentor_id == mentor_id)
        .options(
            joinedload(Assignment.mentee).joinedload(Mentee.hospital),
            joinedload(Assignment.mentee).joinedload(Mentee.department),
            joinedload(Assignment.mentee).joinedload(Mentee.profession),
        )
        .order_by(Assignment.end_date.is_not(None), Assignment.end_date.desc(), Assignment.start_date.desc(), Assignment.id.desc())
    )
