"""Reads for the mentoring record. Scoping lives here: the feedback page, its autosave, the PDFs and the
mentee page all start from `feedback_mentee_scope`, so none of them can show feedback the page would not."""

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select, true
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import COORDINATOR, HOSPITAL_ADMIN, MENTOR, User
from ..core.extensions import db
from ..people.models import Assignment, Mentee, Profession
from ..visits.models import Visit
from ..visits.queries import get_visit_or_404
from .framework import FRAMEWORK_OF
from .models import ActionItem, Feedback, Skill, SkillRating


def feedback_mentee_scope(user: User) -> ColumnElement[bool]:
    """Whose feedback a user may read: coordinators all; a hospital administrator their hospital's
    mentees; a mentor their own mentees, present or past (the next mentor sees the old feedback)."""
    if user.role == COORDINATOR:
        return true()
    if user.role == HOSPITAL_ADMIN and user.hospital_id:
        return Mentee.hospital_id == user.hospital_id
    if user.role == MENTOR and user.mentor_id:
        return exists().where(Assignment.mentee_id == Mentee.id, Assignment.mentor_id == user.mentor_id)
    return false()


def assignment_covers(mentor_id: int, mentee_id: int, visit: Visit) -> bool:
    """True when the mentor was the mentee's assigned mentor on some day of the visit."""
    return db.session.scalar(select(exists().where(
        Assignment.mentor_id == mentor_id, Assignment.mentee_id == mentee_id, Assignment.start_date <= visit.end_date,
        or_(Assignment.end_date.is_(None), Assignment.end_date >= visit.start_date),
    ))) or False


@dataclass
class FeedbackPlace:
    visit: Visit
    mentee: Mentee
    feedback: Feedback | None
    can_write: bool
    can_reopen: bool


def feedback_or_404(visit_id: int, mentee_id: int, user: User) -> FeedbackPlace:
    """The visit, the mentee and their feedback if this user may read them (404 otherwise, so ids reveal nothing)."""
    visit = get_visit_or_404(visit_id, user)
    mentee = db.session.scalar(
        select(Mentee).where(Mentee.id == mentee_id, feedback_mentee_scope(user))
        .options(joinedload(Mentee.profession), joinedload(Mentee.hospital), joinedload(Mentee.department))
    )
    if mentee is None:
        abort(404)
    feedback = db.session.scalar(
        select(Feedback).where(Feedback.visit_id == visit.id, Feedback.mentee_id == mentee.id)
        .options(joinedload(Feedback.mentor), selectinload(Feedback.ratings), selectinload(Feedback.action_items))
    )
    if feedback is None and user.role == HOSPITAL_ADMIN and mentee.hospital_id != visit.hospital_id:
        abort(404)
    can_write = False
    if user.role == MENTOR and user.mentor_id:
        if feedback is not None:
            can_write = feedback.mentor_id == user.mentor_id
        else:
            can_write = assignment_covers(user.mentor_id, mentee.id, visit)
    return FeedbackPlace(visit, mentee, feedback, can_write, user.role == COORDINATOR)


def framework_profession_code(profession: Profession) -> str:
    return FRAMEWORK_OF.get(profession.code, profession.code)


def skills_for(profession: Profession, keep_ids=()) -> list[Skill]:
    """The skills a mentee of this profession is rated on: current ones, plus retired ones already rated."""
    code = framework_profession_code(profession)
    live = Skill.retired_on.is_(None)
    if keep_ids:
        live = or_(live, Skill.id.in_(list(keep_ids)))
    return list(db.session.scalars(
        select(Skill).join(Profession, Profession.id == Skill.profession_id)
        .where(Profession.code == code, live).order_by(Skill.position, Skill.name)
    ))


def last_ratings(mentee_id: int, before: date) -> dict[int, int]:
    """Each skill's most recent rating of a mentee at visits before a date (one query)."""
    rows = db.session.execute(
        select(SkillRating.skill_id, SkillRating.rating)
        .join(Feedback, Feedback.id == SkillRating.feedback_id).join(Visit, Visit.id == Feedback.visit_id)
        .where(Feedback.mentee_id == mentee_id, Visit.start_date < before, SkillRating.rating.is_not(None))
        .order_by(Visit.start_date, Visit.id)
    ).all()
    return {skill_id: rating for skill_id, rating in rows}


def weakest_first(skills: list[Skill], last: dict[int, int]) -> list[Skill]:
    """Skills rated lowest last time first; never-rated skills after them, in framework order."""
    return sorted(skills, key=lambda s: (last.get(s.id, 99), s.position, s.name))


def open_action_items(mentee_id: int, visit: Visit, feedback_id: int | None) -> list[ActionItem]:
    """Earlier visits' action items still to follow up, and those this feedback already followed up."""
    followed_here = ActionItem.followed_up_in_id == feedback_id if feedback_id else false()
    return list(db.session.scalars(
        select(ActionItem).join(Feedback, Feedback.id == ActionItem.feedback_id).join(Visit, Visit.id == Feedback.visit_id)
        .where(ActionItem.mentee_id == mentee_id, Visit.start_date < visit.start_date,
               or_(ActionItem.followup.is_(None), followed_here))
        .order_by(ActionItem.due_date, ActionItem.id)
    ))


def next_visit_date(visit: Visit) -> date | None:
    """The next planned or confirmed visit to the same hospital, from the calendar."""
    return db.session.scalar(
        select(func.min(Visit.start_date)).where(
            Visit.hospital_id == visit.hospital_id, Visit.start_date > visit.end_date,
            Visit.status.in_(("planned", "confirmed")))
    )


def progress(mentee_id: int, until: date | None = None) -> list[tuple[date, int, str, int]]:
    """Every rating of a mentee over time: (visit start, skill id, skill name, rating), oldest first."""
    query = (
        select(Visit.start_date, Skill.id, Skill.name, SkillRating.rating)
        .join(Feedback, Feedback.id == SkillRating.feedback_id).join(Visit, Visit.id == Feedback.visit_id)
        .join(Skill, Skill.id == SkillRating.skill_id)
        .where(Feedback.mentee_id == mentee_id, SkillRating.rating.is_not(None))
        .order_by(Visit.start_date, Skill.position)
    )
    if until is not None:
        query = query.where(Visit.start_date <= until)
    return [tuple(row) for row in db.session.execute(query).all()]


def visit_feedback_status(visit_id: int) -> dict[int, str]:
    """Mentee id -> 'draft' or 'signed' for one visit's feedback."""
    return dict(db.session.execute(select(Feedback.mentee_id, Feedback.status).where(Feedback.visit_id == visit_id)).all())


def visit_feedbacks(visit: Visit, user: User) -> Select:
    """A visit's feedback this user may read, mentee by mentee."""
    return (
        select(Feedback).join(Mentee, Mentee.id == Feedback.mentee_id)
        .where(Feedback.visit_id == visit.id, feedback_mentee_scope(user))
        .order_by(Mentee.full_name)
    )


# --- skills framework ----------------------------------------------------------------------

def skills_query(profession_id: int | None = None, show_retired: bool = False) -> Select:
    query = (
        select(Skill).join(Profession, Profession.id == Skill.profession_id).options(joinedload(Skill.profession))
        .order_by(Profession.name, Skill.position, Skill.name)
    )
    if profession_id:
        query = query.where(Skill.profession_id == profession_id)
    if not show_retired:
        query = query.where(Skill.retired_on.is_(None))
    return query


def get_skill_or_404(skill_id: int) -> Skill:
    return db.get_or_404(Skill, skill_id)


def skill_name_taken(profession_id: int, name: str, exclude_id: int | None = None) -> bool:
    query = select(Skill.id).where(Skill.profession_id == profession_id, func.lower(Skill.name) == name.lower())
    if exclude_id:
        query = query.where(Skill.id != exclude_id)
    return db.session.scalar(query) is not None


def mentee_open_items(mentee_id: int) -> list[ActionItem]:
    return list(db.session.scalars(
        select(ActionItem).where(ActionItem.mentee_id == mentee_id, ActionItem.followup.is_(None)).order_by(ActionItem.due_date)
    ))


def cpd_by_year(mentee_id: int) -> list[tuple[int, float]]:
    rows = db.session.execute(
        select(Visit.start_date, Feedback.cpd_hours).join(Visit, Visit.id == Feedback.visit_id)
        .where(Feedback.mentee_id == mentee_id, Feedback.cpd_hours.is_not(None), and_(Feedback.status == "signed"))
    ).all()
    years: dict[int, float] = {}
    for day, hours in rows:
        years[day.year] = years.get(day.year, 0) + hours
    return sorted(years.items(), reverse=True)
