"""A visit's attendance saved twice at the same moment (two people, a double click): each save replaces the rows it
shows, one after the other, so both are answered as saved and each mentor and day is recorded once, never a 500."""

from datetime import date, timedelta

from sqlalchemy import select

from blueprints.core.extensions import db
from blueprints.visits.models import MenteeAttendance, MentorAttendance
from tests.live import Client, fire
from tests.visits.conftest import make_visit

PARALLEL = 12
START = date(2026, 6, 8)  # a Monday; the suite's clock says 10 June 2026, the visit's third day


def test_a_visits_first_attendance_saved_in_parallel_records_each_mentor_and_day_once(live, programme):
    visit = make_visit(programme["nemba"], programme["team_a"], START, status="confirmed")
    mentor, colleague, mentee = programme["mentor_a"], programme["mentor_a2"], programme["mentee_1"]
    days = [START, START + timedelta(days=1)]
    data = {f"mentor-{mentor.id}": "present", f"mentor-{colleague.id}": "absent", f"mentor-{colleague.id}-reason": "Sick",
            f"mentee-{mentee.id}": [d.isoformat() for d in days]}
    visit_id, expected_mentors = visit.id, {(mentor.id, True, ""), (colleague.id, False, "Sick")}
    expected_days = [(mentee.id, d) for d in days]
    db.session.commit()  # and nothing read after it: outside a request the test's session would BEGIN IMMEDIATE on SQLite
    client = Client(live, "coord")
    answers = fire(PARALLEL, lambda i: client.post(f"/visits/{visit_id}/attendance", data))
    assert [a.status for a in answers] == [302] * PARALLEL, [a.status for a in answers]
    mentors = db.session.execute(select(MentorAttendance.mentor_id, MentorAttendance.present, MentorAttendance.reason)
                                 .where(MentorAttendance.visit_id == visit_id)).all()
    assert sorted(mentors) == sorted(expected_mentors) and len(mentors) == 2
    mentee_days = db.session.execute(select(MenteeAttendance.mentee_id, MenteeAttendance.day)
                                     .where(MenteeAttendance.visit_id == visit_id).order_by(MenteeAttendance.day)).all()
    assert [tuple(r) for r in mentee_days] == expected_days
