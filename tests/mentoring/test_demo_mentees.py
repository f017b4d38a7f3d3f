"""Demo mentee accounts (issue 22 item 5): every demo mentee signs in as `mentee.<record number>` with the demo
password, and a realistic share of sheets is acknowledged, action items answered and self-assessments filled."""

from sqlalchemy import func, select

from blueprints.auth.demo import DEMO_PASSWORD
from blueprints.auth.models import User
from blueprints.core.extensions import db
from blueprints.mentoring.models import ActionItem, Feedback, SelfAssessment
from blueprints.people.models import Mentee


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_every_demo_mentee_has_an_account_and_some_use_it(runner, client):
    result = runner.invoke(args=["demo-data", "--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
    mentees = db.session.execute(select(Mentee.id, Mentee.status)).all()
    accounts = dict(db.session.execute(select(User.mentee_id, User.username).where(User.role == "mentee")).all())
    assert accounts == {mentee_id: f"mentee.{mentee_id}" for mentee_id, _status in mentees}
    active = next(mentee_id for mentee_id, status in mentees if status == "active")
    response = client.post("/login", data={"username": f"mentee.{active}", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    signed = count(Feedback, Feedback.status == "signed")
    assert 0.4 * signed < count(Feedback, Feedback.acknowledged_at.is_not(None)) < 0.8 * signed
    assert count(Feedback, Feedback.status == "draft", Feedback.acknowledged_at.is_not(None)) == 0
    assert count(ActionItem, ActionItem.mentee_status.is_not(None)) > 10
    by_mentees = count(SelfAssessment, SelfAssessment.entered_by_id.in_(select(User.id).where(User.role == "mentee")))
    assert by_mentees > 5
