"""A small programme for visit tests: two provinces, two teams, mentors, mentees and a user per role."""

from datetime import date, timedelta

import pytest

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.visits.models import MentorAttendance, Visit
from tests.factories import assign, make_hospital, make_mentee, make_mentor, make_team, make_user


def monday(weeks_ahead: int = 2) -> date:
    """A Monday some weeks from today."""
    t = today()
    return t + timedelta(days=7 - t.weekday() + 7 * weeks_ahead)


def make_visit(hospital, team, start: date, days: int = 3, status: str = "planned", **fields) -> Visit:
    visit = Visit(hospital=hospital, team=team, start_date=start, days=days, end_date=start + timedelta(days=days - 1),
                  status=status, status_reason=fields.pop("status_reason", "reason" if status in ("postponed", "cancelled") else ""),
                  **fields)
    db.session.add(visit)
    db.session.flush()
    return visit


def held_visit(hospital, team, start: date, mentors=(), absent=()) -> Visit:
    visit = make_visit(hospital, team, start, status="held")
    for mentor in mentors:
        db.session.add(MentorAttendance(visit_id=visit.id, mentor=mentor, present=mentor not in absent,
                                        reason="Sick" if mentor in absent else ""))
    db.session.flush()
    return visit


@pytest.fixture
def programme():
    team_a, team_b = make_team("Team North"), make_team("Team South")
    nemba = make_hospital("Nemba", team=team_a, province="Northern Province")
    ruli = make_hospital("Ruli", team=team_a, province="Northern Province")
    kabgayi = make_hospital("Kabgayi", team=team_b, province="Southern Province")
    mentor_a = make_mentor(team_a, name="Mentor Alpha")
    mentor_a2 = make_mentor(team_a, "obgyn", name="Mentor Alpha Two")
    mentor_b = make_mentor(team_b, name="Mentor Beta")
    mentee_1 = make_mentee(nemba, name="Nemba Mentee One")
    mentee_2 = make_mentee(nemba, name="Nemba Mentee Two")
    mentee_k = make_mentee(kabgayi, name="Kabgayi Mentee")
    for mentor, mentee in ((mentor_a, mentee_1), (mentor_a, mentee_2), (mentor_b, mentee_k)):
        assign(mentor, mentee, start=today() - timedelta(days=400))
    return {
        "team_a": team_a, "team_b": team_b, "nemba": nemba, "ruli": ruli, "kabgayi": kabgayi,
        "mentor_a": mentor_a, "mentor_a2": mentor_a2, "mentor_b": mentor_b,
        "mentee_1": mentee_1, "mentee_2": mentee_2, "mentee_k": mentee_k,
        "coordinator": make_user("coordinator", username="coord"),
        "mentor_user": make_user("mentor", mentor=mentor_a, username="mentor.alpha"),
        "mentor_b_user": make_user("mentor", mentor=mentor_b, username="mentor.beta"),
        "nemba_admin": make_user("hospital_admin", hospital=nemba, username="admin.nemba"),
        "kabgayi_admin": make_user("hospital_admin", hospital=kabgayi, username="admin.kabgayi"),
    }
