"""What is still to write after held visits (feedback, reflections) and the follow-up of support requests, ratings
and action items: the dashboard's tiles read these. Each is one statement, whatever the number of visits or mentees."""

from datetime import date

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from ..auth.models import User
from ..people.models import Assignment, Hospital, Mentee, Team
from ..people.scopes import readable_visits, support_requests_scope
from ..visits.models import Visit, VisitStatus
from ..visits.queries import mine_condition
from .models import ActionItem, Feedback, FeedbackStatus, Reflection, Skill, SkillRating, SupportStatus, VisitWriting


def _held_visits_where(user: User, start: date, end: date, province: str | None = None) -> list:
    """Held visits starting in [start, end] (in the province if given) that the user may read."""
    conditions = [Visit.status == VisitStatus.HELD, Visit.start_date >= start, Visit.start_date <= end, readable_visits(user)]
    if province:
        conditions.append(Visit.hospital_id.in_(select(Hospital.id).where(Hospital.province == province)))
    return conditions


def visits_with_writing_missing(user: User, start: date, end: date, province: str | None = None) -> Select:
    """Held visits where some mentee assigned to an attending mentor (on a day of the visit) has no signed-off
    feedback, or some attending mentor has no reflection: (visit id, start date, hospital name, team name or None) with
    feedback expected, signed and drafted, and reflections expected and written. Oldest first. Read from the counts
    kept per visit (`writing.py`, where they are worked out from the records)."""
    # Plain columns, not Visit objects: the national tile lists 1,573 visits to show 8 (issue 23).
    hospital, team, stored = aliased(Hospital), aliased(Team), VisitWriting
    return (
        select(Visit.id.label("visit_id"), Visit.start_date, hospital.name.label("hospital"), team.name.label("team"),
               stored.feedback_expected, stored.feedback_signed, stored.feedback_drafted,
               stored.reflections_expected, stored.reflections_written)
        .join(stored, stored.visit_id == Visit.id)
        .outerjoin(hospital, hospital.id == Visit.hospital_id)
        .outerjoin(team, team.id == Visit.team_id)
        .where(*_held_visits_where(user, start, end, province),
               or_(stored.feedback_expected > stored.feedback_signed, stored.reflections_expected > stored.reflections_written))
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
