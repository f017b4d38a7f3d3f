"""Mentees are told when their self-assessment opens, when a sheet is signed and ready to read, and when an action
item falls due; each once, with a link to their own page."""

from datetime import date

import pytest
from sqlalchemy import select

from blueprints.core.extensions import db
from blueprints.core.models import Notification, OutgoingMail
from blueprints.mentoring.mentee_messages import send_mentee_messages
from blueprints.mentoring.models import ActionItem, Feedback
from blueprints.mentoring.services import reopen_feedback, sign_feedback
from blueprints.visits.models import Visit, VisitStatus
from tests.factories import make_hospital, make_mentee, make_mentor, make_team, make_user


@pytest.fixture
def world(app, monkeypatch):
    """A mentee of Nemba with an account (French), a held visit of 1 June with their draft sheet, the next visit on
    29 June, and a colleague without an account who has an e-mail address."""
    monkeypatch.setitem(app.config, "MAIL_TO_LOG", True)
    team = make_team("Team A")
    nemba = make_hospital("Nemba", team=team)
    mentor = make_mentor(team)
    mentor_user = make_user("mentor", mentor=mentor)
    account = make_user("mentee", mentee=make_mentee(nemba, name="Aline"), language="fr")
    colleague = make_mentee(nemba, name="Colleague")
    colleague.email = "colleague@example.org"
    held = Visit(hospital=nemba, team=team, start_date=date(2026, 6, 1), end_date=date(2026, 6, 3), days=3,
                 status=VisitStatus.HELD)
    coming = Visit(hospital=nemba, team=team, start_date=date(2026, 6, 29), end_date=date(2026, 7, 1), days=3)
    db.session.add_all([held, coming])
    db.session.flush()
    feedback = Feedback(visit_id=held.id, mentee_id=account.mentee_id, mentor_id=mentor.id, strengths="Calm")
    db.session.add(feedback)
    db.session.flush()
    db.session.add(ActionItem(feedback_id=feedback.id, mentee_id=account.mentee_id, text="Practise the partograph",
                              due_date=date(2026, 6, 20)))
    db.session.commit()
    return {"account": account, "feedback": feedback, "mentor_user": mentor_user}


def told(user_id: int, kind: str) -> list[tuple[str, str]]:
    return [(n.message, n.link) for n in db.session.scalars(
        select(Notification).where(Notification.user_id == user_id, Notification.kind == kind).order_by(Notification.id))]


def test_a_signed_sheet_is_announced_to_its_mentee_once_with_a_link_to_read_it(world):
    feedback = world["feedback"]
    sign_feedback(feedback, feedback.version, world["mentor_user"])
    db.session.commit()
    reopen_feedback(feedback, "typo")
    sign_feedback(feedback, feedback.version, world["mentor_user"])
    db.session.commit()
    assert told(world["account"].id, "sheet_signed") == [
        ("Votre fiche de retour de la visite du 1 juin 2026 est validée : vous pouvez la lire.", f"/me/feedback/{feedback.id}")]


def test_the_self_assessment_opening_is_announced_two_weeks_before_the_visit_once(world):
    assert send_mentee_messages(date(2026, 6, 14)) == 0
    assert send_mentee_messages(date(2026, 6, 15)) == 1  # 14 days before 29 June
    db.session.commit()
    assert send_mentee_messages(date(2026, 6, 15)) == 0
    db.session.commit()
    [(message, link)] = told(world["account"].id, "self_assessment")
    assert "29 juin 2026" in message and link == "/me/self-assessment"
    assert [m.to_address for m in db.session.scalars(select(OutgoingMail))] == ["colleague@example.org"]


def test_an_action_item_is_announced_three_days_before_it_is_due_and_not_once_done(world):
    assert send_mentee_messages(date(2026, 6, 16)) == 1  # the self-assessment only
    assert send_mentee_messages(date(2026, 6, 17)) == 1  # 20 June is three days away
    assert send_mentee_messages(date(2026, 6, 18)) == 0
    [(message, _link)] = told(world["account"].id, "action_item_due")
    assert message == "Votre action à mener arrive à échéance le 20 juin 2026 : Practise the partograph"
    item = db.session.scalar(select(ActionItem))
    item.mentee_status, item.due_date = "done", date(2026, 6, 25)
    assert send_mentee_messages(date(2026, 6, 23)) == 0
