"""What the visit page says of each mentee's own part (issue 22 item 4): whether they filled their self-assessment in
the fortnight before the visit and acknowledged their last signed sheet. One statement whatever the mentee count."""

from datetime import timedelta

from sqlalchemy import case, exists, select

from ..auth.models import User
from ..core.extensions import db
from ..people.models import Mentee
from ..visits.models import Visit
from .models import Feedback, FeedbackStatus, SelfAssessment
from .self_assessment_window import WINDOW_DAYS


def visit_engagement(visit: Visit, mentee_ids: list[int]) -> dict[int, dict]:
    """Mentee id -> {"self_assessed": bool, "acknowledged": True/False, or None with no earlier signed sheet}."""
    if not mentee_ids:
        return {}
    assessed = exists().where(SelfAssessment.mentee_id == Mentee.id,
                              SelfAssessment.assessed_on >= visit.start_date - timedelta(days=WINDOW_DAYS),
                              SelfAssessment.assessed_on <= visit.start_date)
    last_acknowledged = (
        select(case((Feedback.acknowledged_at.is_(None), 0), else_=1)).join(Visit, Visit.id == Feedback.visit_id)
        .where(Feedback.mentee_id == Mentee.id, Feedback.status == FeedbackStatus.SIGNED, Visit.start_date < visit.start_date)
        .order_by(Visit.start_date.desc(), Feedback.id.desc()).limit(1).correlate(Mentee).scalar_subquery())
    rows = db.session.execute(select(Mentee.id, assessed, last_acknowledged).where(Mentee.id.in_(mentee_ids)))
    return {mentee_id: {"self_assessed": bool(filled), "acknowledged": None if acknowledged is None else bool(acknowledged)}
            for mentee_id, filled, acknowledged in rows}


def visit_engagement_slot(visit: Visit, user: User, mentees: list[dict], mentors: list[dict]) -> dict:
    return {"engagement": visit_engagement(visit, [row["mentee"].id for row in mentees])}
