"""Reads for a mentee's own pages: their signed sheets, action items and progress, filtered by the mentee scopes
(people/scopes.py), so no draft, no other mentee's row and no mentor's reflection can reach them."""

from flask import abort
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import User
from ..core.extensions import db
from ..people.scopes import own_action_items, own_contact_sessions, own_signed_feedback
from ..visits.models import Visit
from .models import ActionItem, ContactSession, Feedback, FeedbackStatus, Skill, SkillRating
from .queries import cpd_hours_by_year


def my_sheets(user: User) -> Select:
    """The mentee's signed sheets, newest visit first, with what the list shows loaded in the same query."""
    return (select(Feedback).join(Visit, Visit.id == Feedback.visit_id).where(own_signed_feedback(user))
            .options(joinedload(Feedback.visit).joinedload(Visit.hospital), joinedload(Feedback.mentor))
            .order_by(Visit.start_date.desc(), Feedback.id.desc()))


def my_sheet_or_404(feedback_id: int, user: User) -> Feedback:
    feedback = db.session.scalar(
        select(Feedback).where(Feedback.id == feedback_id, own_signed_feedback(user))
        .options(joinedload(Feedback.visit).joinedload(Visit.hospital), joinedload(Feedback.mentor),
                 joinedload(Feedback.mentee), selectinload(Feedback.ratings), selectinload(Feedback.action_items)))
    if feedback is None:
        abort(404)
    return feedback


def my_action_items(user: User) -> Select:
    """Items the mentee's mentor has not followed up yet come first (soonest due first), then the followed-up ones."""
    return (select(ActionItem).where(own_action_items(user))
            .options(joinedload(ActionItem.feedback).joinedload(Feedback.visit))
            .order_by(ActionItem.followup.is_not(None), ActionItem.due_date, ActionItem.id))


def my_action_item_or_404(item_id: int, user: User) -> ActionItem:
    item = db.session.scalar(select(ActionItem).where(ActionItem.id == item_id, own_action_items(user)))
    if item is None:
        abort(404)
    return item


PROGRESS_VISITS = 6  # the latest visits the progress table shows, so it fits a phone turned sideways


def my_progress(user: User) -> dict:
    """The mentee's progress from their signed sheets only: each skill's rating at their latest visits, and CPD hours
    per year from signed visits and contact sessions (three queries whatever the history)."""
    over_time: dict[int, dict] = {}
    days: list = []
    for day, skill, rating in db.session.execute(
            select(Visit.start_date, Skill, SkillRating.rating)
            .join(Feedback, Feedback.id == SkillRating.feedback_id).join(Visit, Visit.id == Feedback.visit_id)
            .join(Skill, Skill.id == SkillRating.skill_id)
            .where(own_signed_feedback(user), SkillRating.rating.is_not(None))
            .order_by(Visit.start_date, Skill.position, Skill.id)):
        if day not in days:
            days.append(day)
        over_time.setdefault(skill.id, {"name": skill.display_name, "ratings": {}})["ratings"][day] = rating
    visits = db.session.execute(
        select(Feedback.visit_id, Feedback.status, Visit.start_date, Feedback.cpd_hours)
        .join(Visit, Visit.id == Feedback.visit_id).where(own_signed_feedback(user), Feedback.status == FeedbackStatus.SIGNED)
    ).all()
    contacts = db.session.scalars(select(ContactSession).where(own_contact_sessions(user))).all()
    return {"over_time": over_time, "days": days[-PROGRESS_VISITS:],
            "cpd_by_year": sorted(cpd_hours_by_year(visits, contacts).items(), reverse=True)}
