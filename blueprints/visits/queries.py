"""Reads for visits. Scoping lives here: the calendar, the agenda, the visit list, fragments and the
.ics feed all start from `readable_visits`, so none of them can show a visit the page would not."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from flask import abort
from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    String,
    and_,
    bindparam,
    case,
    false,
    func,
    null,
    or_,
    select,
    true,
    type_coerce,
    union,
    union_all,
)
from sqlalchemy.orm import aliased, joinedload

from ..auth.models import User
from ..core.extensions import db
from ..core.roles import COORDINATOR, HOSPITAL_ADMIN, MENTOR
from ..people.models import Absence, Assignment, Hospital, Mentee, MenteeStatus, Mentor, Team
from ..people.scopes import cadence_hospitals, mentor_team_id, readable_visits
from .attendance import mentee_rate_columns, rate
from .models import AvailabilityAnswer, Holiday, MenteeAttendance, MentorAttendance, Visit, VisitStatus, VisitSubstitute

ACTIVE_STATUSES = (VisitStatus.PLANNED, VisitStatus.CONFIRMED, VisitStatus.HELD)  # a visit that occupies its team on its days
UPCOMING_STATUSES = (VisitStatus.PLANNED, VisitStatus.CONFIRMED)


def can_edit_visit(user: User) -> bool:
    return user.role == COORDINATOR


def can_record_attendance(user: User, visit: Visit) -> bool:
    """The coordinator, or a mentor of the visiting team (they know who came)."""
    if user.role == COORDINATOR:
        return True
    return user.role == MENTOR and user.mentor is not None and user.mentor.team_id == visit.team_id


def get_visit_or_404(visit_id: int, user: User, action: str = "view") -> Visit:
    """The visit if this user may see it (404 otherwise, so ids reveal nothing); 403 to change it."""
    if user.role == COORDINATOR:
        kind, params = "all", {}
    elif user.role == HOSPITAL_ADMIN and user.hospital_id:
        kind, params = "hospital", {"hospital_id": user.hospital_id}
    elif user.role == MENTOR and user.mentor_id:
        kind, params = "mentor", {"mentor_id": user.mentor_id}
    else:
        abort(404)
    row = db.session.execute(_visit_statement(kind), {"visit_id": visit_id, **params}).one_or_none()
    if row is None:
        abort(404)
    visit, visit.postponed_from_id = row
    if action == "edit" and not can_edit_visit(user):
        abort(403)
    if action == "attendance" and not can_record_attendance(user, visit):
        abort(403)
    return visit


@cache
def _visit_statement(kind: str) -> Select:
    """get_visit_or_404's statement for one kind of reader, built once with bind parameters (visit_id, and
    hospital_id or mentor_id): the same scoping as `readable_visits`, which it must follow."""
    earlier = aliased(Visit)
    postponed_from = select(func.min(earlier.id)).where(earlier.postponed_to_id == Visit.id).correlate(Visit).scalar_subquery()
    if kind == "all":
        scope = true()
    elif kind == "hospital":
        scope = Visit.hospital_id == bindparam("hospital_id")
    else:
        mentor_id = bindparam("mentor_id")
        attended = select(MentorAttendance.visit_id).where(MentorAttendance.mentor_id == mentor_id)
        scope = or_(Visit.team_id == mentor_team_id(mentor_id), Visit.id.in_(attended))
    return (
        select(Visit, postponed_from.label("postponed_from_id"))
        .where(Visit.id == bindparam("visit_id"), scope)
        .options(joinedload(Visit.hospital), joinedload(Visit.team), joinedload(Visit.postponed_to))
    )


def visits_between(
    user: User,
    start: date,
    end: date,
    *,
    province: str | None = None,
    hospital_id: int | None = None,
    team_id: int | None = None,
    mine: bool = False,
) -> Select:
    """Visits on any day from `start` to `end`, as this user may see them, hospital and team loaded."""
    query = (
        select(Visit)
        .join(Hospital, Hospital.id == Visit.hospital_id)
        .where(Visit.start_date <= end, Visit.end_date >= start, readable_visits(user))
        .options(joinedload(Visit.hospital), joinedload(Visit.team))
        .order_by(Visit.start_date, Hospital.name, Visit.id)
    )
    if province:
        query = query.where(Hospital.province == province)
    if hospital_id:
        query = query.where(Visit.hospital_id == hospital_id)
    if team_id:
        query = query.where(Visit.team_id == team_id)
    if mine:
        query = query.where(mine_condition(user))
    return query


def mine_condition(user: User) -> ColumnElement[bool]:
    """"Mine": a mentor's own team's visits they are not recorded absent from; an administrator's hospital."""
    if user.role == MENTOR and user.mentor_id:
        absent = select(MentorAttendance.visit_id).where(MentorAttendance.mentor_id == user.mentor_id, MentorAttendance.present.is_(False))
        return and_(Visit.team_id == mentor_team_id(user.mentor_id), Visit.id.not_in(absent))
    if user.role == HOSPITAL_ADMIN:
        return Visit.hospital_id == user.hospital_id
    return true()


def visits_list(user: User, status: str | None = None, hospital_id: int | None = None) -> Select:
    """The visit list, newest first."""
    query = (
        select(Visit)
        .where(readable_visits(user))
        .options(joinedload(Visit.hospital), joinedload(Visit.team))
        .order_by(Visit.start_date.desc(), Visit.id.desc())
    )
    if status:
        query = query.where(Visit.status == status)
    if hospital_id:
        query = query.where(Visit.hospital_id == hospital_id)
    return query


def team_mentors(team_id: int) -> list[Mentor]:
    return list(db.session.scalars(
        select(Mentor).where(Mentor.team_id == team_id, Mentor.active).options(joinedload(Mentor.profession)).order_by(Mentor.full_name)
    ))


def visit_mentors(visit: Visit) -> list[dict]:
    """The team's mentors (and anyone recorded at the visit or arranged as a substitute, `substitute_for` the id of the
    mentor they replace), with this visit's attendance and their record."""
    rows = db.session.execute(_visit_mentors_statement(), {"visit_id": visit.id, "team_id": visit.team_id}).all()
    return [
        {"mentor": m, "attendance": att, "recorded": rec or 0, "missed": mis or 0, "rate": rate((rec or 0) - (mis or 0), rec or 0),
         "substitute_for": sub}
        for m, att, rec, mis, sub in rows
    ]


@cache
def _visit_mentors_statement() -> Select:
    """visit_mentors' statement, built once with bind parameters (visit_id, team_id): building it took 4 ms of
    the visit page's time, twice what SQLite takes to run it."""
    visit_id, team_id = bindparam("visit_id"), bindparam("team_id")
    missed = func.sum(case((and_(MentorAttendance.present.is_(False), Visit.status == VisitStatus.HELD), 1), else_=0))
    recorded = func.sum(case((Visit.status == VisitStatus.HELD, 1), else_=0))
    at_visit = aliased(MentorAttendance)
    # Only the mentors this page lists: the sums then read their rows, not the whole programme's. One IN of a UNION,
    # which PostgreSQL reads through the mentor index (an OR of three INs scanned all 59,580 rows at scale 10, issue 23).
    listed = union(
        select(Mentor.id).where(Mentor.team_id == team_id),
        select(at_visit.mentor_id).where(at_visit.visit_id == visit_id),
        select(VisitSubstitute.mentor_id).where(VisitSubstitute.visit_id == visit_id),
    )
    shown = MentorAttendance.mentor_id.in_(listed)
    summaries = (
        select(MentorAttendance.mentor_id, recorded.label("recorded"), missed.label("missed"))
        .join(Visit, Visit.id == MentorAttendance.visit_id)
        .where(shown)
        .group_by(MentorAttendance.mentor_id)
        .subquery()
    )
    here = aliased(MentorAttendance)
    substitute_for = (select(VisitSubstitute.for_mentor_id).where(VisitSubstitute.visit_id == visit_id, VisitSubstitute.mentor_id == Mentor.id)
                      .correlate(Mentor).scalar_subquery())
    return (
        select(Mentor, here, summaries.c.recorded, summaries.c.missed, substitute_for.label("substitute_for"))
        .outerjoin(here, and_(here.mentor_id == Mentor.id, here.visit_id == visit_id))
        .outerjoin(summaries, summaries.c.mentor_id == Mentor.id)
        # The IN narrows to the same mentors as the OR (which alone scanned all 2,100 at scale 10) through the indexes.
        .where(Mentor.id.in_(listed), or_(and_(Mentor.team_id == team_id, Mentor.active), here.id.is_not(None), substitute_for.is_not(None)))
        .options(joinedload(Mentor.profession))
        .order_by(Mentor.full_name)
    )


def _assigned_at(hospital_id, on, mentee=Mentee) -> ColumnElement[bool]:
    """The mentee works at the hospital now, in the programme, with a mentorship running on the date."""
    running = (
        select(Assignment.id)
        .where(Assignment.mentee_id == mentee.id, Assignment.start_date <= on,
               or_(Assignment.end_date.is_(None), Assignment.end_date >= on))
        .correlate(mentee)
        .exists()
    )
    return and_(mentee.hospital_id == hospital_id, mentee.status == MenteeStatus.ACTIVE, running)


def assigned_mentees(hospital_id: int, on: date) -> Select:
    """Mentees at a hospital with a mentorship running on a date, with their attendance rate columns."""
    expected, present = mentee_rate_columns()
    return (
        select(Mentee, expected, present)
        .where(_assigned_at(hospital_id, on))
        .options(joinedload(Mentee.profession), joinedload(Mentee.department))
        .order_by(Mentee.full_name)
    )


def visit_mentees(visit: Visit) -> list[dict]:
    """The mentees expected at a visit: those assigned at its hospital now, plus anyone recorded present at it (their
    attendance is history: `moved_to` names the hospital they have moved to since)."""
    rows = db.session.execute(_visit_mentees_statement(),
                              {"hospital_id": visit.hospital_id, "on": visit.start_date, "visit_id": visit.id}).unique().all()
    present = db.session.execute(
        select(MenteeAttendance.mentee_id, MenteeAttendance.day).where(MenteeAttendance.visit_id == visit.id)
    ).all()
    days_present: dict[int, set[date]] = {}
    for mentee_id, day in present:
        days_present.setdefault(mentee_id, set()).add(day)
    return [{"mentee": m, "days_present": days_present.get(m.id, set()), "expected_days": e, "present_days": p,
             "rate": rate(p, e),
             "moved_to": m.hospital if m.hospital_id not in (None, visit.hospital_id) else None} for m, e, p in rows]


@cache
def _visit_mentees_statement() -> Select:
    """visit_mentees' statement, built once with bind parameters (hospital_id, on, visit_id)."""
    # One IN of a UNION, read through the hospital and visit indexes (an OR of the two scanned all 30,101 mentees at
    # scale 10, issue 23).
    assigned = aliased(Mentee)
    expected_here = union(
        select(assigned.id).where(_assigned_at(bindparam("hospital_id"), bindparam("on", type_=Date), assigned)),
        select(MenteeAttendance.mentee_id).where(MenteeAttendance.visit_id == bindparam("visit_id")),
    )
    expected, present = mentee_rate_columns()
    return (
        select(Mentee, expected, present)
        .where(Mentee.id.in_(expected_here))
        .options(joinedload(Mentee.profession), joinedload(Mentee.department), joinedload(Mentee.hospital))
        .order_by(Mentee.full_name)
    )


def absences_between(mentee_ids, start: date, end: date) -> list[Absence]:
    if not mentee_ids:
        return []
    return list(db.session.scalars(
        select(Absence).where(Absence.mentee_id.in_(list(mentee_ids)), Absence.start_date <= end, Absence.end_date >= start)
    ))


def availability_statement(recorded_where, answered_where) -> Select:
    """The absence records (mentees' and mentors') and the mentees' own answers (visits/availability.py) as one
    statement of (mentee_id, mentor_id, kind, start_date, end_date, own) rows, so reading them costs one query. Each side
    is filtered by its own condition, written on its own table (Absence, AvailabilityAnswer)."""
    recorded = (select(Absence.mentee_id, Absence.mentor_id, type_coerce(Absence.kind, String).label("kind"), Absence.start_date,
                       Absence.end_date, false().label("own")).where(recorded_where))
    answered = (select(AvailabilityAnswer.mentee_id, null(), type_coerce(AvailabilityAnswer.answer, String), AvailabilityAnswer.day,
                       AvailabilityAnswer.day, true()).where(answered_where))
    return union_all(recorded, answered)


def availability_between(mentee_ids, mentor_ids, start: date, end: date) -> list:
    """Who of these mentees and mentors is away, or answered, between two dates."""
    mentee_ids, mentor_ids = list(mentee_ids), list(mentor_ids)
    if not mentee_ids and not mentor_ids:
        return []
    return db.session.execute(availability_statement(
        and_(or_(Absence.mentee_id.in_(mentee_ids), Absence.mentor_id.in_(mentor_ids)), Absence.start_date <= end, Absence.end_date >= start),
        and_(AvailabilityAnswer.mentee_id.in_(mentee_ids), AvailabilityAnswer.day.between(start, end)))).all()


def nearby_visits(hospital_id: int, team_id: int, start: date, end: date, exclude_id: int | None = None) -> list[Visit]:
    """Visits that occupy the team, or visit the hospital, between two dates (for clashes and windows)."""
    query = (
        select(Visit)
        .where(or_(Visit.team_id == team_id, Visit.hospital_id == hospital_id), Visit.status.in_(ACTIVE_STATUSES),
               Visit.start_date <= end, Visit.end_date >= start)
        .options(joinedload(Visit.hospital), joinedload(Visit.team))
        .order_by(Visit.start_date)
    )
    if exclude_id is not None:
        query = query.where(Visit.id != exclude_id)
    return list(db.session.scalars(query))


def team_busy(team_id: int, start: date, end: date, exclude_id: int | None = None) -> Visit | None:
    """The team's first other visit overlapping these days, if any."""
    query = (
        select(Visit)
        .where(Visit.team_id == team_id, Visit.status.in_(ACTIVE_STATUSES), Visit.start_date <= end, Visit.end_date >= start)
        .options(joinedload(Visit.hospital))
        .order_by(Visit.start_date)
        .limit(1)
    )
    if exclude_id is not None:
        query = query.where(Visit.id != exclude_id)
    return db.session.scalar(query)


@dataclass
class Holidays:
    """Public holidays by date: fixed yearly ones and one-off ones."""

    yearly: dict[tuple[int, int], str] = field(default_factory=dict)
    once: dict[date, str] = field(default_factory=dict)

    def name(self, day: date) -> str | None:
        return self.once.get(day) or self.yearly.get((day.month, day.day))


def holidays() -> Holidays:
    result = Holidays()
    for holiday in db.session.scalars(select(Holiday)):
        if holiday.year is None:
            result.yearly[(holiday.month, holiday.day)] = holiday.display_name
        else:
            try:
                result.once[date(holiday.year, holiday.month, holiday.day)] = holiday.display_name
            except ValueError:
                continue
    return result


def hospitals_for_select(user: User) -> list:
    """(id, name, province, team_id) of the hospitals a user plans or reads visits for, by name: plain rows, not
    Hospital objects (420 at ten times national scale, on the calendar's filters)."""
    return db.session.execute(select(Hospital.id, Hospital.name, Hospital.province, Hospital.team_id)
                              .where(cadence_hospitals(user)).order_by(Hospital.name)).all()


def teams_for_select() -> list[tuple[int, str]]:
    return db.session.execute(select(Team.id, Team.name).order_by(Team.name)).all()


def calendar_user(token: str) -> User | None:
    """The active user whose secret feed token this is; an old (regenerated) token matches nobody."""
    if not token or len(token) < 20:
        return None
    return db.session.scalar(select(User).where(User.calendar_token == token, User.active))


def feed_visits(user: User, today: date) -> Select:
    """The visits in a user's .ics feed: a year back and everything ahead, in their scope."""
    return (
        select(Visit)
        .where(readable_visits(user), Visit.end_date >= today - timedelta(days=365))
        .options(joinedload(Visit.hospital), joinedload(Visit.team))
        .order_by(Visit.start_date, Visit.id)
    )


def holiday_list() -> Select:
    """Yearly holidays first, by month and day, then one-off ones by date."""
    return select(Holiday).order_by(Holiday.year.is_not(None), Holiday.year, Holiday.month, Holiday.day)
