"""Demo mentoring record: feedback for held visits (drafts and signed), ratings that mostly improve,
action items followed up, self-assessments at baseline, reflections with a few support requests."""

from datetime import date

from sqlalchemy import func, select

from blueprints.core.extensions import db
from blueprints.mentoring.models import ActionItem, ContactSession, Feedback, Reflection, SelfAssessment, SkillRating
from blueprints.people.models import Assignment
from blueprints.visits.models import Visit


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_demo_data_has_a_mentoring_record(runner):
    result = runner.invoke(args=["demo-data", "--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
    assert count(Feedback, Feedback.status == "signed") > 100 and count(Feedback, Feedback.status == "draft") > 5
    assert count(ActionItem, ActionItem.followup.is_not(None)) > 50 and count(ActionItem, ActionItem.followup.is_(None)) > 0
    assert count(SelfAssessment) > 50
    assert count(Reflection) > 50 and 0 < count(Reflection, Reflection.support_needed != "") < count(Reflection) / 4
    held = set(db.session.scalars(select(Visit.id).where(Visit.status == "held")))
    assert set(db.session.scalars(select(Feedback.visit_id).distinct())) <= held
    # ratings mostly improve: a mentee's average at their last feedback beats their first
    rows = db.session.execute(
        select(Feedback.mentee_id, Visit.start_date, func.avg(SkillRating.rating))
        .join(Visit, Visit.id == Feedback.visit_id).join(SkillRating, SkillRating.feedback_id == Feedback.id)
        .group_by(Feedback.mentee_id, Visit.start_date).order_by(Feedback.mentee_id, Visit.start_date)
    ).all()
    first, last = {}, {}
    for mentee_id, _day, average in rows:
        first.setdefault(mentee_id, average)
        last[mentee_id] = average
    improved = sum(last[m] > first[m] for m in first)
    assert improved > 0.7 * len(first)
    assert any(last[m] <= first[m] for m in first)  # some stall
    # issue 25: contact between visits, never after the demo's day, with some current pairings and not others
    sessions = db.session.execute(select(ContactSession.held_on, ContactSession.mentee_id)).all()
    assert len(sessions) > 50 and max(day for day, _m in sessions) < date(2026, 11, 26)
    assert len({m for _d, m in sessions}) < count(Assignment, Assignment.end_date.is_(None))


def test_demo_mentoring_is_the_same_for_the_same_seed(runner):
    runner.invoke(args=["demo-data", "--today", "2026-11-26"])
    signature = db.session.execute(select(func.count(SkillRating.id), func.sum(SkillRating.rating))).one()
    runner.invoke(args=["demo-data", "--today", "2026-11-26", "--reset"])
    db.session.expire_all()
    assert db.session.execute(select(func.count(SkillRating.id), func.sum(SkillRating.rating))).one() == signature
