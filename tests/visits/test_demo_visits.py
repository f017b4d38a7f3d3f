"""The demo programme's visits: the shape DOMAIN.md describes, so every visit screen has something true to show."""

from datetime import date

import pytest
from sqlalchemy import func, select

from blueprints.core.extensions import db
from blueprints.people.models import Absence, Hospital
from blueprints.visits import cadence, planning
from blueprints.visits.models import MenteeAttendance, MentorAttendance, Visit

ANCHOR = date(2026, 11, 26)


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo-data", "--today", ANCHOR.isoformat()])
    assert result.exit_code == 0, result.output


def held_per_hospital():
    return dict(db.session.execute(
        select(Hospital.name, func.count(Visit.id)).join(Visit, Visit.hospital_id == Hospital.id)
        .where(Visit.status == "held").group_by(Hospital.name)).all())


def test_demo_has_two_years_of_visits_postponements_gaps_attendance_and_an_overdue_hospital(demo):
    held = held_per_hospital()
    assert held["Byumba"] == 15 and held["Kabgayi"] == 13
    assert set(held.values()) == {13, 15} and len(held) == 10
    _postponed_visits_with_reasons_and_gaps_over_three_months()
    _attendance_missed_mentors_and_an_overdue_hospital()


def _postponed_visits_with_reasons_and_gaps_over_three_months():
    postponed = db.session.scalars(select(Visit).where(Visit.status == "postponed")).all()
    assert postponed and all(v.status_reason and v.postponed_to_id for v in postponed)
    gaps = 0
    for hospital in db.session.scalars(select(Hospital)):
        starts = sorted(db.session.scalars(select(Visit.start_date).where(Visit.hospital_id == hospital.id, Visit.status == "held")))
        gaps += any((b - a).days > 90 for a, b in zip(starts, starts[1:], strict=False))
    assert gaps >= 2


def _attendance_missed_mentors_and_an_overdue_hospital():
    held = db.session.scalar(select(func.count(Visit.id)).where(Visit.status == "held"))
    with_attendance = db.session.scalar(select(func.count(func.distinct(MentorAttendance.visit_id))))
    assert with_attendance == held
    assert db.session.scalar(select(func.count(MentorAttendance.id)).where(MentorAttendance.present.is_(False))) >= 3
    assert db.session.scalar(select(func.count(MenteeAttendance.id))) > 1000
    statuses = {row.hospital: row.status for row in cadence.hospital_cadence(ANCHOR)}
    assert statuses["Ruli"] == "overdue" and "on_track" in statuses.values()


def test_demo_has_planned_visits_ahead_and_one_clashes_with_leave(demo, app):
    coming = db.session.scalars(select(Visit).where(Visit.status.in_(("planned", "confirmed")), Visit.start_date > ANCHOR)).all()
    assert len(coming) >= 9
    leave = db.session.scalars(select(Absence).where(Absence.note.like("%clashes with the next visit%"))).all()
    assert leave
    with app.test_request_context():
        clashed = [v for v in coming if planning.clashes(v.hospital_id, v.team_id, v.start_date, v.days, exclude_id=v.id).available
                   < planning.clashes(v.hospital_id, v.team_id, v.start_date, v.days, exclude_id=v.id).possible]
    assert clashed


def test_demo_mentees_answered_for_their_next_visit_and_one_answer_overrules_a_leave_record(demo, app):
    from blueprints.visits.models import AvailabilityAnswer

    answered = db.session.scalar(select(func.count(func.distinct(AvailabilityAnswer.mentee_id))))
    assert answered >= 20
    leave = db.session.scalar(select(Absence).where(Absence.note.like("%clashes with the next visit%")))
    visit = db.session.scalar(select(Visit).where(Visit.hospital_id == leave.mentee.hospital_id, Visit.status.in_(("planned", "confirmed")),
                                                  Visit.start_date > ANCHOR).order_by(Visit.start_date).limit(1))
    with app.test_request_context():
        row = next(r for r in planning.clashes(visit.hospital_id, visit.team_id, visit.start_date, visit.days, exclude_id=visit.id).rows
                   if r["mentee"].id == leave.mentee_id)
    assert row["answers"][0] == "there" and row["overruled"][0] == "annual_leave" and row["cells"][0] is None


def test_demo_has_a_mentor_on_home_duty_during_a_coming_visit(demo, app):
    duty = db.session.scalar(select(Absence).where(Absence.mentor_id.is_not(None), Absence.kind == "home_duty"))
    visit = db.session.scalar(select(Visit).where(Visit.team_id == duty.mentor.team_id, Visit.start_date <= duty.start_date,
                                                  Visit.end_date >= duty.end_date))
    with app.test_request_context():
        clashes = planning.clashes(visit.hospital_id, visit.team_id, visit.start_date, visit.days, exclude_id=visit.id)
    assert clashes.mentors_available == len(clashes.mentor_rows) - 1
