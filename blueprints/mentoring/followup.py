"""What is still to write after held visits (feedback, reflections) and the follow-up of support requests, ratings
and action items: the dashboard's tiles read these. Each is one statement, whatever the number of visits or mentees."""

from datetime import date

from sqlalchemy import Select, case, exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from ..auth.models import User
from ..people.models import Assignment, Hospital, Mentee, Mentor, Team
from ..people.scopes import readable_visits, support_requests_scope
from ..visits.models import MentorAttendance, Visit, VisitStatus
from ..visits.queries import mine_condition
from .models import ActionItem, Feedback, FeedbackStatus, Reflection, Skill, SkillRating, SupportStatus


def _held_visits_where(user: User, start: date, end: date, province: str | None = None) -> list:
    """Held visits starting in [start, end] (in the province if given) that the user may read."""
    conditions = [Visit.status == VisitStatus.HELD, Visit.start_date >= start, Visit.start_date <= end, readable_visits(user)]
    if province:
        conditions.append(Visit.hospital_id.in_(select(Hospital.id).where(Hospital.province == province)))
    return conditions


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


def visits_with_writing_missing(user: User, start: date, end: date, province: str | None = None) -> Select:
    """Held visits where some mentee assigned to an attending mentor (on a day of the visit) has no signed-off
    feedback, or some attending mentor has no reflection: (visit id, start date, hospital name, team name or None) with
    feedback expected, signed and drafted, and reflections expected and written. Oldest first."""
    conditions = _held_visits_where(user, start, end, province)
    attending = attending_mentors(conditions)
    seen = select(Visit.id, Visit.start_date, Visit.end_date).where(*conditions).subquery("seen")
    # Issue 23: the planner misjudged the assignments overlapping a visit 16x at national scale and probed
    # `feedback` by index once per pair (24,825 probes). Only assignments not ended before the range can overlap
    # one of its visits (a filter it can estimate), and the feedback of the range's visits is worked out once
    # (MATERIALIZED: PostgreSQL 12+, SQLite 3.35+), read per visit from the index on (visit, mentee, status), and hashed.
    in_range = (select(Assignment.mentor_id, Assignment.mentee_id, Assignment.start_date, Assignment.end_date)
                .where(or_(Assignment.end_date.is_(None), Assignment.end_date >= start))
                .subquery("in_range"))
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
    feedback_expected = func.coalesce(feedback.c.expected, 0)
    feedback_signed = func.coalesce(feedback.c.signed, 0)
    reflections_expected = func.coalesce(reflections.c.expected, 0)
    reflections_written = func.coalesce(reflections.c.written, 0)
    # Plain columns, not Visit objects: the national tile lists 1,573 visits to show 8 (issue 23).
    hospital, team = aliased(Hospital), aliased(Team)
    return (
        select(Visit.id.label("visit_id"), Visit.start_date, hospital.name.label("hospital"), team.name.label("team"),
               feedback_expected.label("feedback_expected"), feedback_signed.label("feedback_signed"),
               func.coalesce(feedback.c.drafted, 0).label("feedback_drafted"),
               reflections_expected.label("reflections_expected"), reflections_written.label("reflections_written"))
        .outerjoin(hospital, hospital.id == Visit.hospital_id)
        .outerjoin(team, team.id == Visit.team_id)
        .outerjoin(feedback, feedback.c.visit_id == Visit.id)
        .outerjoin(reflections, reflections.c.visit_id == Visit.id)
        .where(*conditions, or_(feedback_expected > feedback_signed, reflections_expected > reflections_written))
        .order_by(Visit.start_date, Visit.id)
    )


def my_feedback_to_write(user: User, start: date, end: date) -> Select:
    """A mentor's held visits (not recorded absent) in [start, end] with, for each of their mentees assigned on a
    day of the visit whose feedback is not signed off: the mentee and the feedback's status (None: not started)."""
    return (
        select(Visit, Mentee.id.label("mentee_id"), Mentee.full_name, Feedback.status)
        .join(Assignment, (Assignment.mentor_id == user.mentor_id) & (Assignment.start_date <= Visit.end_date)
              & or_(Assignment.end_date.is_(None), Assignment.end_date >= Visit.start_date))
        .join(Mentee, Mentee.id == Assignment.mentee_id)
        .outerjoin(Feedback, (Feedback.visit_id == Visit.id) & (Feedback.mentee_id == Mentee.id))
        .where(*_held_visits_where(user, start, end), mine_condition(user), or_(Feedback.id.is_(None), Feedback.status == FeedbackStatus.DRAFT))
        .options(joinedload(Visit.hospital))
        .order_by(Visit.start_date, Visit.id, Mentee.full_name)
    )


def my_reflections_to_write(user: User, start: date, end: date) -> Select:
    """A mentor's held visits (not recorded absent) in [start, end] without their reflection."""
    return (
        select(Visit)
        .where(*_held_visits_where(user, start, end), mine_condition(user),
               ~exists().where(Reflection.visit_id == Visit.id, Reflection.mentor_id == user.mentor_id))
        .options(joinedload(Visit.hospital))
        .order_by(Visit.start_date, Visit.id)
    )


def support_counts(user: User, until: date, province: str | None = None) -> Select:
    """(status, how many) of the support asked for in reflections of visits up to a date."""
    return (
        select(Reflection.support_status, func.count(Reflection.id))
        .join(Visit, Visit.id == Reflection.visit_id)
        .where(*_support_asked(user, until, province))
        .group_by(Reflection.support_status)
    )


def support_followup(user: User, until: date, province: str | None = None) -> Select:
    """Support still open or in progress, oldest visit first: (reflection, visit, hospital name, owner's name)."""
    return (
        select(Reflection, Visit, Hospital.name.label("hospital_name"), User.display_name.label("owner"))
        .join(Visit, Visit.id == Reflection.visit_id).join(Hospital, Hospital.id == Visit.hospital_id)
        .outerjoin(User, User.id == Reflection.support_owner_id)
        .where(*_support_asked(user, until, province),
               Reflection.support_status.in_((SupportStatus.OPEN, SupportStatus.IN_PROGRESS)))
        .options(joinedload(Reflection.mentor))
        .order_by(Visit.start_date, Reflection.id)
    )


def _support_asked(user: User, until: date, province: str | None) -> list:
    """Reflections that ask for support (those asking nothing are 'open' too), of readable visits up to a date,
    as conditions on Reflection joined to its Visit: one filter, not a second pass over the reflections."""
    conditions = [Reflection.support_needed != "", Visit.start_date <= until, support_requests_scope(user)]
    if province:
        conditions.append(Visit.hospital_id.in_(select(Hospital.id).where(Hospital.province == province)))
    return conditions


def latest_ratings(mentee_ids: list[int]) -> Select:
    """Each mentee's ratings at their latest feedback (by visit date): (mentee id, visit start, status, skill name,
    its translations, rating)."""
    latest = aliased_latest_feedback()
    return (
        select(Feedback.mentee_id, Visit.start_date, Feedback.status, Skill.name, Skill.name_translations, SkillRating.rating)
        .join(Visit, Visit.id == Feedback.visit_id)
        .join(SkillRating, SkillRating.feedback_id == Feedback.id)
        .join(Skill, Skill.id == SkillRating.skill_id)
        .where(Feedback.mentee_id.in_(mentee_ids), Feedback.id == latest, SkillRating.rating.is_not(None))
        .order_by(Feedback.mentee_id, SkillRating.rating, Skill.position, Skill.name)
    )


def aliased_latest_feedback():
    """Correlated: the id of the latest feedback (by visit date) of the outer Feedback's mentee."""
    other, other_visit = aliased(Feedback), aliased(Visit)
    return (select(other.id).join(other_visit, other_visit.id == other.visit_id)
            .where(other.mentee_id == Feedback.mentee_id)
            .order_by(other_visit.start_date.desc(), other.id.desc()).limit(1)
            .correlate(Feedback).scalar_subquery())


def open_items_of(mentee_ids: list[int]) -> Select:
    """Action items not followed up yet, of several mentees, soonest due first."""
    return (select(ActionItem).where(ActionItem.mentee_id.in_(mentee_ids), ActionItem.followup.is_(None))
            .order_by(ActionItem.mentee_id, ActionItem.due_date, ActionItem.id))
