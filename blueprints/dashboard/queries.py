"""Reads for the home pages. Each is one grouped query, whatever the size of the programme. The tiles
reuse the features' own queries (visits, people, equipment, core); only what no feature reads lives here."""

from datetime import date

from sqlalchemy import ColumnElement, Select, case, func, select

from ..auth.models import User
from ..mentoring.models import ContactSession
from ..people.models import Assignment, Department, Hospital, Mentee, Mentor, Transfer, TransferKind
from ..people.scopes import cadence_hospitals, readable_visits
from ..visits.models import Visit

LEFT_KINDS = (TransferKind.OUT_OF_PROGRAMME, TransferKind.LEFT_SERVICE)


def mentor_active_mentees(mentor_id: int) -> Select:
    """The mentor's current mentees with where they work now."""
    return (
        select(Mentee.id, Mentee.full_name, Mentee.hospital_id, Hospital.name.label("hospital"), Department.name.label("department"), Assignment.start_date)
        .join(Assignment, Assignment.mentee_id == Mentee.id)
        .outerjoin(Hospital, Hospital.id == Mentee.hospital_id)
        .outerjoin(Department, Department.id == Mentee.department_id)
        .where(Assignment.mentor_id == mentor_id, Assignment.end_date.is_(None))
        .order_by(Mentee.full_name)
    )


def users_by_role() -> Select:
    return (
        select(User.role, func.count(User.id).label("users"), func.sum(case((User.active, 0), else_=1)).label("inactive"))
        .group_by(User.role)
        .order_by(User.role)
    )


def visits_in_range(user: User, start: date, end: date, province: str | None = None) -> Select:
    """(hospital id, name, visit start, status) of every visit in the range the user may see, plus one
    row per hospital without any (visit columns empty): the consistency chart in one query."""
    query = (
        select(Hospital.id, Hospital.name, Visit.start_date, Visit.end_date, Visit.status)
        .outerjoin(Visit, (Visit.hospital_id == Hospital.id) & (Visit.start_date >= start) & (Visit.start_date <= end)
                   & readable_visits(user))
        .where(cadence_hospitals(user))
        .order_by(Hospital.name, Hospital.id, Visit.start_date)
    )
    if province:
        query = query.where(Hospital.province == province)
    return query


def contacts_in_range(user: User, start: date, end: date, province: str | None = None, hospital_ids=None) -> Select:
    """(hospital id, day) of every contact session in the range with a mentee now at a hospital the user follows
    (of these hospitals, when given): the consistency tile's "no contact of any kind" in one query."""
    query = (
        select(Mentee.hospital_id, ContactSession.held_on).join(Mentee, Mentee.id == ContactSession.mentee_id)
        .join(Hospital, Hospital.id == Mentee.hospital_id)
        .where(ContactSession.held_on >= start, ContactSession.held_on <= end, cadence_hospitals(user))
        .distinct()
    )
    if province:
        query = query.where(Hospital.province == province)
    if hospital_ids is not None:
        query = query.where(Mentee.hospital_id.in_(hospital_ids))
    return query


def left_before_finishing(start: date, end: date, province: str | None = None,
                          scope: ColumnElement[bool] | None = None) -> Select:
    """Mentees who left the programme or the service (not a move) in the range, with where they were."""
    query = (
        select(Transfer.mentee_id, Mentee.full_name, Transfer.kind, Transfer.effective_date, Hospital.name.label("hospital"),
               Hospital.id.label("hospital_id"))
        .join(Mentee, Mentee.id == Transfer.mentee_id)
        .outerjoin(Hospital, Hospital.id == Transfer.from_hospital_id)
        .where(Transfer.kind.in_(LEFT_KINDS), Transfer.cancelled_at.is_(None),
               Transfer.effective_date >= start, Transfer.effective_date <= end)
        .order_by(Transfer.effective_date.desc(), Transfer.id.desc())
    )
    if province:
        query = query.where(Hospital.province == province)
    if scope is not None:
        query = query.where(scope)
    return query


def mentors_in_province(province: str) -> ColumnElement[bool]:
    """Mentors whose team visits a hospital in the province."""
    return Mentor.team_id.in_(select(Hospital.team_id).where(Hospital.province == province))
