"""Reads for mentees. Scoping lives here: pages, fragments, CSV and PDFs all start from these selects, so none
of them can show a mentee the page would not."""

from datetime import date

from flask import abort
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased, joinedload

from ...auth.models import User
from ...core.extensions import db
from ...core.roles import COORDINATOR, HOSPITAL_ADMIN
from ..models import Absence, Assignment, Department, Hospital, Mentee, MenteeStatus, Mentor, Profession
from ..scopes import readable_mentees
from .transfers import mentee_transfers


def can_edit_mentee(user: User, mentee: Mentee) -> bool:
    """Coordinators edit any mentee; a hospital administrator those now at their hospital; mentors read only."""
    if user.role == COORDINATOR:
        return True
    return user.role == HOSPITAL_ADMIN and mentee.hospital_id == user.hospital_id


def get_mentee_or_404(mentee_id: int, user: User, action: str = "view") -> Mentee:
    """The mentee if this user may see it (404 otherwise, so ids reveal nothing); 403 to edit read-only."""
    mentee = db.session.scalar(
        select(Mentee)
        .where(Mentee.id == mentee_id, readable_mentees(user))
        .options(joinedload(Mentee.profession), joinedload(Mentee.hospital), joinedload(Mentee.department))
    )
    if mentee is None:
        abort(404)
    if action == "edit" and not can_edit_mentee(user, mentee):
        abort(403)
    return mentee


def _active_mentor():
    return (
        select(func.min(Mentor.full_name))
        .join(Assignment, Assignment.mentor_id == Mentor.id)
        .where(Assignment.mentee_id == Mentee.id, Assignment.end_date.is_(None))
        .correlate(Mentee)
        .scalar_subquery()
        .label("mentor_name")
    )


def mentees_query(user: User, **filters) -> Select:
    """The mentee list as this user may see it, with everything a row shows loaded in the same query."""
    query = (
        select(Mentee, _active_mentor())
        .options(joinedload(Mentee.profession), joinedload(Mentee.hospital), joinedload(Mentee.department))
    )
    return _listed(query, user, **filters)


def mentees_export_query(user: User, **filters) -> Select:
    """The same mentees, in the same order, as plain columns for the CSV export: (name, profession, department, phone,
    language, hospital, status, current mentor). No ORM objects: the national export has 30,000 mentees (issue 23)."""
    profession, department, hospital = aliased(Profession), aliased(Department), aliased(Hospital)
    query = (
        select(Mentee.full_name, profession.name, department.name, Mentee.phone, Mentee.preferred_language, hospital.name,
               Mentee.status, _active_mentor())
        .outerjoin(profession, profession.id == Mentee.profession_id)
        .outerjoin(department, department.id == Mentee.department_id)
        .outerjoin(hospital, hospital.id == Mentee.hospital_id)
    )
    return _listed(query, user, **filters)


def _listed(
    query: Select,
    user: User,
    search: str = "",
    department_id: int | None = None,
    profession_id: int | None = None,
    status: str | None = "active",
    hospital_id: int | None = None,
) -> Select:
    """The list's scope, filters and order: one place for the page, its fragment and the CSV."""
    query = query.where(readable_mentees(user)).order_by(Mentee.full_name, Mentee.id)
    if search:
        query = query.where(Mentee.full_name.ilike(f"%{search.strip()}%"))
    if department_id:
        query = query.where(Mentee.department_id == department_id)
    if profession_id:
        query = query.where(Mentee.profession_id == profession_id)
    if status:
        query = query.where(Mentee.status == status)
    if hospital_id:
        query = query.where(Mentee.hospital_id == hospital_id)
    return query


def mentee_assignments(mentee_id: int) -> Select:
    return (
        select(Assignment)
        .where(Assignment.mentee_id == mentee_id)
        .options(joinedload(Assignment.mentor).joinedload(Mentor.profession))
        .order_by(Assignment.start_date.desc(), Assignment.id.desc())
    )


def mentee_absences(mentee_id: int) -> Select:
    return select(Absence).where(Absence.mentee_id == mentee_id).order_by(Absence.start_date.desc())


def active_assignments(mentee_id: int) -> list[Assignment]:
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.mentee_id == mentee_id, Assignment.end_date.is_(None))
            .options(joinedload(Assignment.mentor))
        )
    )


def mentee_history(mentee: Mentee) -> dict:
    """Everything on a mentee's time line, newest first, in three queries whatever its length."""
    assignments = db.session.scalars(mentee_assignments(mentee.id)).all()
    transfers = db.session.scalars(mentee_transfers(mentee.id)).all()
    absences = db.session.scalars(mentee_absences(mentee.id)).all()
    events = []
    for assignment in assignments:
        events.append({"date": assignment.start_date, "kind": "assignment_start", "assignment": assignment})
        if assignment.end_date:
            events.append({"date": assignment.end_date, "kind": "assignment_end", "assignment": assignment})
    for transfer in transfers:
        events.append({"date": transfer.effective_date, "kind": "transfer", "transfer": transfer})
    for absence in absences:
        events.append({"date": absence.start_date, "kind": "absence", "absence": absence})
    order = {"transfer": 0, "assignment_end": 1, "assignment_start": 2, "absence": 3}
    events.sort(key=lambda e: (e["date"], -order[e["kind"]]), reverse=True)
    return {"assignments": assignments, "transfers": transfers, "absences": absences, "events": events,
            "places": places_over_time(mentee, transfers),
            "latest_transfer": next((t for t in transfers if not t.cancelled_at), None)}


def places_over_time(mentee: Mentee, transfers) -> list[dict]:
    """Where the mentee worked, period by period, derived from the applied transfers."""
    applied = sorted((t for t in transfers if t.applied_at and not t.cancelled_at), key=lambda t: (t.effective_date, t.id))
    periods, since = [], None
    for transfer in applied:
        periods.append({"hospital": transfer.from_hospital, "department": transfer.from_department, "since": since, "until": transfer.effective_date})
        since = transfer.effective_date
    if mentee.status == "active":
        periods.append({"hospital": mentee.hospital, "department": mentee.department, "since": since, "until": None})
    return list(reversed(periods))


def readable_mentee_ids(user: User, mentee_ids) -> set[int]:
    """Which of these mentees this user may open, so a page links only to what would not be a 404."""
    ids = set(mentee_ids)
    if not ids:
        return set()
    return set(db.session.scalars(select(Mentee.id).where(Mentee.id.in_(ids), readable_mentees(user))))


def upcoming_absences(hospital_id: int, today: date, limit: int = 30) -> Select:
    return (
        select(Absence)
        .join(Mentee, Mentee.id == Absence.mentee_id)
        .where(Mentee.hospital_id == hospital_id, Absence.end_date >= today)
        .options(joinedload(Absence.mentee))
        .order_by(Absence.start_date)
        .limit(limit)
    )


def mentee_recipients(mentees) -> list:
    """Each mentee still in the programme as messages reach them (core/dispatch.py): their active account (the bell,
    their own choices), else their record (e-mail and SMS by the mentee default)."""
    mentees = [m for m in mentees if m.status == MenteeStatus.ACTIVE]
    ids = [m.id for m in mentees]
    accounts = {u.mentee_id: u for u in db.session.scalars(select(User).where(User.mentee_id.in_(ids), User.active))} if ids else {}
    return [accounts.get(m.id, m) for m in mentees]


def hospital_mentee_recipients(hospital_id: int) -> list:
    """The active mentees now at a hospital, as messages reach them."""
    return mentee_recipients(db.session.scalars(select(Mentee).where(Mentee.hospital_id == hospital_id,
                                                                     Mentee.status == MenteeStatus.ACTIVE)).all())
