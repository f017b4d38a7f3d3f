"""The writing owed after each held visit, kept per visit: feedback expected from the mentors who came (one sheet per
mentee assigned to them on a day of the visit), signed and drafted, and reflections expected and written.

`writing_counts` works it out from the records and is the one definition; `refresh_writing` stores what it says for
some visits, and the flush listeners below call it for the visits a flush touched, in the same transaction, so the
writing tile and the weekly summary read one row a visit (issue 23: working it out took 42 ms of PostgreSQL a
request at ten times national scale)."""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Select, case, delete, event, exists, func, insert, inspect, or_, select
from sqlalchemy.orm import Session, aliased

from ..auth.models import User
from ..core.extensions import db
from ..core.maintained import changed
from ..people.models import Assignment, Hospital, Mentor, Team
from ..visits.models import MentorAttendance, Visit, VisitStatus
from .followup import _held_visits_where
from .models import Feedback, FeedbackStatus, Reflection, VisitWriting

COUNTS = ("feedback_expected", "feedback_signed", "feedback_drafted", "reflections_expected", "reflections_written")
CHUNK = 1000  # visit ids per statement: each is bound five times, well under SQLite's 32,766 parameters


def attending_mentors(visit_conditions: list):
    """(visit_id, mentor_id) of the mentors who came to each visit: recorded present, or a team mentor with no
    attendance recorded (as the visit page counts them). A mentor recorded absent writes nothing. A CTE, so a
    statement that reads it twice works it out once (PostgreSQL materialises a CTE read more than once)."""
    recorded = (select(MentorAttendance.visit_id.label("visit_id"), MentorAttendance.mentor_id.label("mentor_id"))
                .join(Visit, Visit.id == MentorAttendance.visit_id)
                .where(MentorAttendance.present.is_(True), *visit_conditions))
    unrecorded = (select(Visit.id.label("visit_id"), Mentor.id.label("mentor_id"))
                  .join(Mentor, (Mentor.team_id == Visit.team_id) & Mentor.active.is_(True))
                  .where(*visit_conditions, ~exists().where(MentorAttendance.visit_id == Visit.id,
                                                             MentorAttendance.mentor_id == Mentor.id)))
    return recorded.union_all(unrecorded).cte("attending")


def _counted(conditions: list, since: date | None) -> tuple[list, list]:
    """The count subqueries of the visits meeting `conditions` (outer-joined to Visit) and their five columns."""
    attending = attending_mentors(conditions)
    seen = select(Visit.id, Visit.start_date, Visit.end_date).where(*conditions).subquery("seen")
    # Issue 23: the planner misjudged the assignments overlapping a visit 16x at national scale and probed
    # `feedback` by index once per pair (24,825 probes). Only assignments not ended before the range can overlap
    # one of its visits (a filter it can estimate), and the feedback of the range's visits is worked out once
    # (MATERIALIZED: PostgreSQL 12+, SQLite 3.35+), read per visit from the index on (visit, mentee, status), and hashed.
    in_range = select(Assignment.mentor_id, Assignment.mentee_id, Assignment.start_date, Assignment.end_date)
    if since is not None:
        in_range = in_range.where(or_(Assignment.end_date.is_(None), Assignment.end_date >= since))
    in_range = in_range.subquery("in_range")
    written = (select(Feedback.visit_id, Feedback.mentee_id, Feedback.status)
               .where(Feedback.visit_id.in_(select(seen.c.id))).cte("written").prefix_with("MATERIALIZED"))
    mentee = in_range.c.mentee_id
    feedback = (
        select(attending.c.visit_id,
               func.count(mentee.distinct()).label("expected"),
               func.count(case((written.c.status == FeedbackStatus.SIGNED, mentee)).distinct()).label("signed"),
               func.count(case((written.c.status == FeedbackStatus.DRAFT, mentee)).distinct()).label("drafted"))
        .join(seen, seen.c.id == attending.c.visit_id)
        .join(in_range, (in_range.c.mentor_id == attending.c.mentor_id) & (in_range.c.start_date <= seen.c.end_date)
              & or_(in_range.c.end_date.is_(None), in_range.c.end_date >= seen.c.start_date))
        .outerjoin(written, (written.c.visit_id == attending.c.visit_id) & (written.c.mentee_id == mentee))
        .group_by(attending.c.visit_id)
        .subquery("feedback_counts")
    )
    reflected = (select(Reflection.id, Reflection.visit_id, Reflection.mentor_id)
                 .where(Reflection.visit_id.in_(select(seen.c.id))).subquery("reflected"))
    reflections = (
        select(attending.c.visit_id, func.count().label("expected"), func.count(reflected.c.id).label("written"))
        .outerjoin(reflected, (reflected.c.visit_id == attending.c.visit_id) & (reflected.c.mentor_id == attending.c.mentor_id))
        .group_by(attending.c.visit_id)
        .subquery("reflection_counts")
    )
    columns = [func.coalesce(feedback.c.expected, 0).label("feedback_expected"),
               func.coalesce(feedback.c.signed, 0).label("feedback_signed"),
               func.coalesce(feedback.c.drafted, 0).label("feedback_drafted"),
               func.coalesce(reflections.c.expected, 0).label("reflections_expected"),
               func.coalesce(reflections.c.written, 0).label("reflections_written")]
    joins = [(feedback, feedback.c.visit_id == Visit.id), (reflections, reflections.c.visit_id == Visit.id)]
    return joins, columns


def writing_counts(conditions: list, since: date | None = None) -> Select:
    """(visit id, feedback expected, signed, drafted, reflections expected, written) of every visit meeting the
    conditions on Visit, zeros included; `since`, the earliest start among them if known, only speeds it up."""
    joins, columns = _counted(conditions, since)
    statement = select(Visit.id.label("visit_id"), *columns)
    for subquery, on in joins:
        statement = statement.outerjoin(subquery, on)
    return statement.where(*conditions)


def writing_missing_from_records(user: User, start: date, end: date, province: str | None = None) -> Select:
    """`followup.visits_with_writing_missing` worked out from the records instead of the stored counts (the same
    rows, in the same order): what the stored rows are checked against."""
    joins, columns = _counted(_held_visits_where(user, start, end, province), start)
    hospital, team = aliased(Hospital), aliased(Team)
    statement = (select(Visit.id.label("visit_id"), Visit.start_date, hospital.name.label("hospital"), team.name.label("team"), *columns)
                 .outerjoin(hospital, hospital.id == Visit.hospital_id)
                 .outerjoin(team, team.id == Visit.team_id))
    for subquery, on in joins:
        statement = statement.outerjoin(subquery, on)
    expected, signed, _drafted, reflections_expected, reflections_written = (column.element for column in columns)
    return (statement.where(*_held_visits_where(user, start, end, province),
                            or_(expected > signed, reflections_expected > reflections_written))
            .order_by(Visit.start_date, Visit.id))


def refresh_writing(visit_ids: Iterable[int] | None = None, session: Session | None = None) -> None:
    """Store what `writing_counts` says of these visits (every visit when None): a row per held visit, none for others.

    On PostgreSQL the visits' rows are locked first (in id order, FOR NO KEY UPDATE, which still lets other
    transactions add feedback referring to them), so two transactions writing for the same visit wait for each
    other and the second counts what the first committed, never a stale read.
    """
    session = session or db.session
    table = VisitWriting.__table__
    if visit_ids is None:
        session.execute(delete(table))
        session.execute(insert(table).from_select(["visit_id", *COUNTS], writing_counts([Visit.status == VisitStatus.HELD])))
        return
    ids = sorted(set(visit_ids))
    for n in range(0, len(ids), CHUNK):
        chunk = ids[n:n + CHUNK]
        session.execute(select(Visit.id).where(Visit.id.in_(chunk)).order_by(Visit.id).with_for_update(key_share=True))
        session.execute(delete(table).where(table.c.visit_id.in_(chunk)))
        counts = writing_counts([Visit.id.in_(chunk), Visit.status == VisitStatus.HELD])
        session.execute(insert(table).from_select(["visit_id", *COUNTS], counts))


def _values(obj, name: str) -> set:
    """The attribute's value now and any value this flush replaced."""
    history = inspect(obj).attrs[name].history
    return {value for value in (*history.unchanged, *history.added, *history.deleted) if value is not None} or (
        {getattr(obj, name)} - {None})


def _period(assignment: Assignment, new: bool) -> tuple[date | None, date | None]:
    """The days an assignment covers or covered before this flush (None: unbounded). A date changed from one this
    session never loaded (an end date left empty when the row was added) leaves that side unbounded."""
    bounds = []
    for name in ("start_date", "end_date"):
        history = inspect(assignment).attrs[name].history
        values = [*history.unchanged, *history.added, *history.deleted] or [getattr(assignment, name)]
        known = new or not history.added or history.deleted
        bounds.append(values if known and None not in values else None)
    starts, ends = bounds
    return (min(starts) if starts else None), (max(ends) if ends else None)


def _overlapping_visits(session: Session, mentor_ids: set, first: date | None, last: date | None) -> list[int]:
    """Held visits these mentors may have come to (their team's now, or recorded at) overlapping [first, last]."""
    teams = select(Mentor.team_id).where(Mentor.id.in_(mentor_ids), Mentor.team_id.is_not(None))
    recorded = select(MentorAttendance.visit_id).where(MentorAttendance.mentor_id.in_(mentor_ids))
    conditions = [Visit.status == VisitStatus.HELD, or_(Visit.team_id.in_(teams), Visit.id.in_(recorded))]
    if first is not None:
        conditions.append(Visit.end_date >= first)
    if last is not None:
        conditions.append(Visit.start_date <= last)
    return list(session.scalars(select(Visit.id).where(*conditions)))


@event.listens_for(Session, "after_flush")
def _keep_writing(session: Session, _context) -> None:
    """Whatever wrote them (a service, the demo data, a test's factory), flushed changes to feedback, reflections,
    attendance, visits, assignments or mentors refresh the stored counts of the visits they touch."""
    visit_ids: set[int] = set()
    teams: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        new, deleted = obj in session.new, obj in session.deleted
        if isinstance(obj, Feedback) and (new or deleted or changed(obj, "status", "visit_id", "mentee_id")):
            visit_ids |= _values(obj, "visit_id")
        elif isinstance(obj, Reflection) and (new or deleted or changed(obj, "visit_id", "mentor_id")):
            visit_ids |= _values(obj, "visit_id")
        elif isinstance(obj, MentorAttendance) and (new or deleted or changed(obj, "visit_id", "mentor_id", "present")):
            visit_ids |= _values(obj, "visit_id")
        elif isinstance(obj, Visit) and (new or deleted or changed(obj, "status", "start_date", "end_date", "team_id")):
            visit_ids.add(obj.id)
        elif isinstance(obj, Assignment) and (new or deleted or changed(obj, "mentor_id", "mentee_id", "start_date", "end_date")):
            visit_ids.update(_overlapping_visits(session, _values(obj, "mentor_id"), *_period(obj, new)))
        elif isinstance(obj, Mentor) and (new or deleted or changed(obj, "active", "team_id")):
            teams |= _values(obj, "team_id")
    if teams:
        visit_ids.update(session.scalars(select(Visit.id).where(Visit.status == VisitStatus.HELD, Visit.team_id.in_(teams))))
    if visit_ids:
        refresh_writing(visit_ids, session)


PER_VISIT = {table.name: table for table in (Feedback.__table__, Reflection.__table__, MentorAttendance.__table__)}


@event.listens_for(Session, "do_orm_execute")
def _keep_writing_after_bulk_statements(state) -> object | None:
    """ORM insert, update and delete statements on feedback, reflections and attendance (the attendance form
    replaces a visit's rows with one DELETE) bypass the flush: the visits whose rows they write are refreshed after
    them. Plain table statements (the bench generator's) are left alone: it refreshes every visit at the end."""
    if not (state.is_orm_statement and (state.is_insert or state.is_update or state.is_delete)):
        return None
    table = PER_VISIT.get(getattr(state.statement.table, "name", None))
    if table is None:
        return None
    if state.is_insert:
        rows = state.parameters if isinstance(state.parameters, list) else [state.parameters or {}]
        visit_ids = {row["visit_id"] for row in rows if row.get("visit_id") is not None}
    else:
        where = state.statement.whereclause
        visit_ids = set(state.session.scalars(select(table.c.visit_id).where(*(() if where is None else (where,)))))
    result = state.invoke_statement()
    if visit_ids:
        refresh_writing(visit_ids, state.session)
    return result
