"""When a mentee fills their own self-assessment: from WINDOW_DAYS before their hospital's next visit to its first
day. The mentor then sees it on that visit's feedback form beside the last rating."""

from datetime import date, timedelta

from sqlalchemy import select

from ..core.extensions import db
from ..people.models import Mentee
from ..visits.models import Visit, VisitStatus
from .models import SelfAssessment

WINDOW_DAYS = 14
COMING = (VisitStatus.PLANNED, VisitStatus.CONFIRMED)


def next_visit(mentee: Mentee, today: date) -> Visit | None:
    """The mentee's hospital's next visit still to come (or starting today)."""
    if mentee.hospital_id is None:
        return None
    return db.session.scalar(select(Visit).where(Visit.hospital_id == mentee.hospital_id, Visit.status.in_(COMING),
                                                 Visit.start_date >= today).order_by(Visit.start_date).limit(1))


def is_open(visit: Visit | None, today: date) -> bool:
    return visit is not None and visit.start_date - timedelta(days=WINDOW_DAYS) <= today <= visit.start_date


def self_ratings_for(mentee_id: int, visit: Visit) -> dict[int, int]:
    """The mentee's own ratings filled in the visit's window (the latest if several), skill id -> rating."""
    assessment = db.session.scalar(
        select(SelfAssessment).where(SelfAssessment.mentee_id == mentee_id,
                                     SelfAssessment.assessed_on >= visit.start_date - timedelta(days=WINDOW_DAYS),
                                     SelfAssessment.assessed_on <= visit.start_date)
        .order_by(SelfAssessment.assessed_on.desc(), SelfAssessment.id.desc()).limit(1))
    return {int(skill_id): rating for skill_id, rating in (assessment.ratings if assessment else {}).items()}
