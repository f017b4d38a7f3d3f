"""Visit reminders a week and a day before, and a postponed or cancelled visit at once, to the team's mentors, the
hospital's mentees and its administrator; each sent once, however often the daily job runs."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from blueprints.core.extensions import db
from blueprints.core.models import Notification, OutgoingMail
from blueprints.people.models import Mentee
from blueprints.visits.models import Visit, VisitStatus
from blueprints.visits.reminders import send_visit_reminders
from blueprints.visits.services import change_status
from tests.factories import make_hospital, make_mentee, make_mentor, make_team, make_user

START = date(2026, 6, 22)


@pytest.fixture
def world(app, monkeypatch):
    """A visit to Nemba from 22 June; the team's mentor, Nemba's administrator, a mentee with an account and one
    without (reached by e-mail only), and a mentor of another team who hears nothing."""
    monkeypatch.setitem(app.config, "MAIL_TO_LOG", True)
    team = make_team("Team A")
    nemba = make_hospital("Nemba", team=team)
    mentor = make_user("mentor", mentor=make_mentor(team), username="mentor.a")
    admin = make_user("hospital_admin", hospital=nemba, username="admin.nemba")
    signed_in = make_user("mentee", mentee=make_mentee(nemba), username="mentee.account")
    record = make_mentee(nemba, name="Record Only")
    record.email = "record@example.org"
    outsider = make_user("mentor", mentor=make_mentor(make_team("Team B")), username="mentor.b")
    visit = Visit(hospital=nemba, team=team, start_date=START, end_date=START + timedelta(days=2), days=3,
                  status=VisitStatus.CONFIRMED)
    db.session.add(visit)
    db.session.commit()
    return {"visit": visit, "told": {mentor.id, admin.id, signed_in.id}, "outsider": outsider}


def bell(kind: str) -> list[tuple[int, str]]:
    return [(n.user_id, n.message) for n in db.session.scalars(select(Notification).where(Notification.kind == kind)
                                                                .order_by(Notification.user_id))]


def mailed_to() -> list[str]:
    return [m.to_address for m in db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id))]


def test_reminders_go_a_week_and_a_day_before_to_the_mentors_mentees_and_administrator(world):
    for day in range(1, 22):  # the daily job on each day of June up to the 21st
        send_visit_reminders(date(2026, 6, day))
        db.session.commit()
    told = bell("visit_reminder")
    assert {user_id for user_id, _text in told} == world["told"]
    assert sorted({text for _user, text in told}) == [
        "Reminder: the mentorship visit to Nemba is from 22 Jun 2026 to 24 Jun 2026.",
        "Tomorrow: the mentorship visit to Nemba, 22 Jun 2026 to 24 Jun 2026.",
    ]
    assert len(told) == 2 * 3  # each of them twice: a week before, and the day before
    assert mailed_to() == ["record@example.org", "record@example.org"]  # the mentee without an account, by e-mail


def test_the_week_reminder_goes_on_the_seventh_day_before_and_not_earlier(world):
    assert send_visit_reminders(date(2026, 6, 14)) == 0
    assert send_visit_reminders(date(2026, 6, 15)) == 1


def test_a_daily_job_run_twice_sends_nothing_twice(world):
    assert send_visit_reminders(date(2026, 6, 15)) == 1
    db.session.commit()
    assert send_visit_reminders(date(2026, 6, 15)) == 0
    db.session.commit()
    assert len(bell("visit_reminder")) == 3 and len(mailed_to()) == 1


def test_a_cancelled_visit_tells_the_same_people_at_once(world):
    visit = world["visit"]
    change_status(visit, VisitStatus.CANCELLED, reason="Flooded road", version=visit.version, today=date(2026, 6, 10))
    db.session.commit()
    told = bell("visit")
    assert {user_id for user_id, _text in told} == world["told"]
    assert all("Flooded road" in text for _user, text in told)
    assert mailed_to() == ["record@example.org"]


def test_the_day_before_text_message_waits_for_seven_in_the_morning_in_kigali_and_the_week_one_goes_by_day(world, queued):
    from blueprints.core.models import OutgoingSms

    record = db.session.scalar(select(Mentee).where(Mentee.full_name == "Record Only"))
    record.phone = "+250788123456"
    db.session.commit()
    send_visit_reminders(date(2026, 6, 15))
    send_visit_reminders(date(2026, 6, 21))
    db.session.commit()
    texts = db.session.scalars(select(OutgoingSms).order_by(OutgoingSms.id)).all()
    assert [(t.to_number, t.kind) for t in texts] == [("+250788123456", "visit_reminder")] * 2
    assert texts[0].text.startswith("Reminder: the mentorship visit to Nemba")
    assert texts[1].text.startswith("Tomorrow:")
    assert texts[1].not_before == datetime(2026, 6, 21, 5, 0, tzinfo=UTC)  # 07:00 in Kigali
