"""Feedback of one visit signed off by parallel requests (a mentor's two phones, several mentors after the visit):
each sign-off refreshes the visit's stored writing counts under a lock on the visit's row, so the last one counts
every signature committed before it; none is left out and no request fails."""

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.mentoring.models import Feedback, VisitWriting
from tests.dashboard.helpers import make_visit, write_feedback
from tests.factories import assign, make_hospital, make_mentee, make_mentor, make_team, make_user
from tests.live import Client, fire
from tests.mentoring.test_writing_counts import from_records

PARALLEL = 12


def test_feedback_of_one_visit_signed_off_in_parallel_leaves_the_stored_counts_complete(live):
    team = make_team("Team Race")
    hospital = make_hospital("Race Hospital", team=team)
    mentor = make_mentor(team, name="Mentor Race")
    make_user("mentor", username="mentor.race", mentor=mentor)
    mentees = [make_mentee(hospital, name=f"Race Mentee {n:02d}") for n in range(PARALLEL)]
    for mentee in mentees:
        assign(mentor, mentee, start=today() - timedelta(days=200))
    visit = make_visit(hospital, team, today() - timedelta(days=10))
    drafts = [write_feedback(visit, mentor, mentee) for mentee in mentees]
    visit_id, signs = visit.id, [(f.mentee_id, f.version) for f in drafts]
    db.session.commit()  # and nothing read after it: outside a request the test's session would BEGIN IMMEDIATE on SQLite
    client = Client(live, "mentor.race")
    answers = fire(PARALLEL, lambda i: client.post(f"/visits/{visit_id}/feedback/{signs[i][0]}/sign",
                                                   {"sign_confirmed": "y", "version": signs[i][1]}))
    assert Counter(a.status for a in answers) == {302: PARALLEL}, [(a.status, a.body[:300]) for a in answers if a.status != 302]
    db.session.expire_all()
    assert db.session.scalars(select(Feedback.status).where(Feedback.visit_id == visit_id)).all() == ["signed"] * PARALLEL
    row = db.session.get(VisitWriting, visit_id)
    assert (row.feedback_expected, row.feedback_signed, row.feedback_drafted) == (PARALLEL, PARALLEL, 0)
    assert from_records()[visit_id] == (PARALLEL, PARALLEL, 0, 1, 0)
