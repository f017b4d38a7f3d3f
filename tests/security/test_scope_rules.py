"""Every "who may see what" scope, row by row: for each role, the exact set of visits, hospitals, mentees, mentors,
feedback and reflections its scope lets through, in a programme built so that each clause of each scope decides
some row (a mentor's past mentee who moved away, a visit a mentor attended with another team, a hospital a team
visited but no longer covers). The pages and the access walk (test_access_walk.py) rely on these."""

from datetime import date

import pytest
from sqlalchemy import select

from blueprints.auth.models import User
from blueprints.core.extensions import db
from blueprints.mentoring.models import Feedback, Reflection
from blueprints.people.models import Hospital, Mentee, Mentor
from blueprints.people.scopes import (
    cadence_hospitals,
    equipment_hospitals,
    feedback_mentees,
    readable_hospitals,
    readable_mentees,
    readable_mentors,
    readable_reflections,
    readable_visits,
)
from blueprints.visits.models import MentorAttendance, Visit
from tests.factories import assign, make_hospital, make_mentee, make_mentor, make_team, make_user
from tests.visits.conftest import make_visit


@pytest.fixture
def programme():
    north, south = make_team("North"), make_team("South")
    nemba, ruli = make_hospital("Nemba", team=north), make_hospital("Ruli", team=north)
    kabgayi, butaro = make_hospital("Kabgayi", team=south), make_hospital("Butaro", team=None)
    alpha, beta = make_mentor(north, name="Alpha"), make_mentor(south, name="Beta")
    aline = make_mentee(nemba, name="Aline")
    make_mentee(ruli, name="Eric")
    moved = make_mentee(kabgayi, name="Moved")  # Alpha's mentee until she moved to Kabgayi
    kamana = make_mentee(kabgayi, name="Kamana")
    make_mentee(butaro, name="Lone")  # at a hospital no team covers
    assign(alpha, aline, start=date(2025, 1, 6))
    assign(beta, kamana, start=date(2025, 1, 6))
    past = assign(alpha, moved, start=date(2025, 1, 6))
    past.end_date, past.end_reason = date(2025, 9, 1), "transferred"
    held_nemba = make_visit(nemba, north, date(2026, 2, 2), status="held")
    held_kabgayi = make_visit(kabgayi, south, date(2026, 2, 9), status="held")
    north_at_butaro = make_visit(butaro, north, date(2025, 11, 3), status="held")  # North once visited Butaro
    db.session.add(MentorAttendance(visit_id=held_kabgayi.id, mentor=alpha, present=True))  # Alpha helped South once
    for visit, mentor, mentee in ((held_nemba, alpha, aline), (held_kabgayi, beta, kamana)):
        db.session.add(Feedback(visit_id=visit.id, mentee_id=mentee.id, mentor_id=mentor.id, status="signed"))
    for visit, mentor in ((held_nemba, alpha), (held_kabgayi, beta)):
        db.session.add(Reflection(visit_id=visit.id, mentor_id=mentor.id, went_well=mentor.full_name))
    db.session.flush()
    users = {
        "coordinator": make_user("coordinator"),
        "nemba_admin": make_user("hospital_admin", hospital=nemba),
        "alpha": make_user("mentor", mentor=alpha),
        "beta": make_user("mentor", mentor=beta),
        "sysadmin": make_user("sysadmin"),
    }
    visit_names = {held_nemba.id: "Nemba Feb", held_kabgayi.id: "Kabgayi Feb", north_at_butaro.id: "Butaro Nov"}
    return users, visit_names


def names(query) -> set[str]:
    return set(db.session.scalars(query))


ALL_HOSPITALS = {"Nemba", "Ruli", "Kabgayi", "Butaro"}
ALL_MENTEES = {"Aline", "Eric", "Moved", "Kamana", "Lone"}


@pytest.mark.parametrize("who, expected", [
    ("coordinator", {"Nemba Feb", "Kabgayi Feb", "Butaro Nov"}),
    ("nemba_admin", {"Nemba Feb"}),
    ("alpha", {"Nemba Feb", "Butaro Nov", "Kabgayi Feb"}),  # the team's visits, and the one Alpha attended
    ("beta", {"Kabgayi Feb"}),
    ("sysadmin", set()),
])
def test_the_visit_scope(programme, who, expected):
    users, visit_names = programme
    ids = set(db.session.scalars(select(Visit.id).where(readable_visits(users[who]))))
    assert {visit_names[i] for i in ids} == expected


@pytest.mark.parametrize("scope, who, expected", [
    (cadence_hospitals, "coordinator", ALL_HOSPITALS), (cadence_hospitals, "nemba_admin", {"Nemba"}), (cadence_hospitals, "alpha", {"Nemba", "Ruli"}),
    (cadence_hospitals, "beta", {"Kabgayi"}), (cadence_hospitals, "sysadmin", set()),
    (readable_hospitals, "coordinator", ALL_HOSPITALS), (readable_hospitals, "nemba_admin", {"Nemba"}), (readable_hospitals, "alpha", {"Nemba", "Ruli"}),
    (readable_hospitals, "beta", {"Kabgayi"}), (readable_hospitals, "sysadmin", set()),
    # equipment: the hospitals the team covers and those it has visited
    (equipment_hospitals, "coordinator", ALL_HOSPITALS), (equipment_hospitals, "nemba_admin", {"Nemba"}),
    (equipment_hospitals, "alpha", {"Nemba", "Ruli", "Butaro"}), (equipment_hospitals, "beta", {"Kabgayi"}), (equipment_hospitals, "sysadmin", set()),
])
def test_the_hospital_scopes(programme, scope, who, expected):
    users, _ = programme
    assert names(select(Hospital.name).where(scope(users[who]))) == expected


@pytest.mark.parametrize("who, expected", [
    ("coordinator", ALL_MENTEES),
    ("nemba_admin", {"Aline"}),
    ("alpha", {"Aline", "Eric", "Moved"}),  # at the team's hospitals, and a past mentee wherever she is now
    ("beta", {"Kamana", "Moved"}),
    ("sysadmin", set()),
])
def test_the_mentee_scope(programme, who, expected):
    users, _ = programme
    assert names(select(Mentee.full_name).where(readable_mentees(users[who]))) == expected


@pytest.mark.parametrize("who, expected", [
    ("coordinator", {"Aline", "Eric", "Moved", "Kamana", "Lone"}),
    ("nemba_admin", {"Aline"}),
    ("alpha", {"Aline", "Moved"}),  # own mentees only, present or past: not every mentee at the team's hospitals
    ("beta", {"Kamana"}),
    ("sysadmin", set()),
])
def test_the_feedback_scope(programme, who, expected):
    users, _ = programme
    assert names(select(Mentee.full_name).where(feedback_mentees(users[who]))) == expected


@pytest.mark.parametrize("who, expected", [
    ("coordinator", {"Alpha", "Beta"}), ("alpha", {"Alpha"}), ("beta", {"Beta"}), ("nemba_admin", set()), ("sysadmin", set()),
])
def test_the_mentor_and_reflection_scopes(programme, who, expected):
    users, _ = programme
    assert names(select(Mentor.full_name).where(readable_mentors(users[who]))) == expected
    assert names(select(Reflection.went_well).where(readable_reflections(users[who]))) == expected


def test_a_user_whose_role_lacks_its_link_sees_nothing(programme):
    """A mentor account not linked to a mentor, an administrator not linked to a hospital (the database refuses
    both; the scopes do not rely on it)."""
    loose = [User(role="mentor", mentor_id=None), User(role="hospital_admin", hospital_id=None)]
    for user in loose:
        assert names(select(Hospital.name).where(cadence_hospitals(user))) == set()
        assert names(select(Mentee.full_name).where(readable_mentees(user))) == set()
        assert set(db.session.scalars(select(Visit.id).where(readable_visits(user)))) == set()
        assert names(select(Mentee.full_name).where(feedback_mentees(user))) == set()


def test_a_changed_role_sees_by_its_new_role_only(programme):
    """Accounts keep their old link when their role changes (the database allows it): an administrator of Kabgayi
    who became Alpha's mentor account, and Beta's account turned administrator of Nemba."""
    alpha = db.session.scalar(select(Mentor).where(Mentor.full_name == "Alpha"))
    beta = db.session.scalar(select(Mentor).where(Mentor.full_name == "Beta"))
    kabgayi = db.session.scalar(select(Hospital).where(Hospital.name == "Kabgayi"))
    nemba = db.session.scalar(select(Hospital).where(Hospital.name == "Nemba"))
    now_mentor = User(role="mentor", mentor_id=alpha.id, hospital_id=kabgayi.id)
    now_admin = User(role="hospital_admin", hospital_id=nemba.id, mentor_id=beta.id)
    assert names(select(Mentee.full_name).where(feedback_mentees(now_mentor))) == {"Aline", "Moved"}
    assert names(select(Mentee.full_name).where(feedback_mentees(now_admin))) == {"Aline"}
    assert names(select(Reflection.went_well).where(readable_reflections(now_admin))) == set()
    assert names(select(Reflection.went_well).where(readable_reflections(now_mentor))) == {"Alpha"}
    assert names(select(Hospital.name).where(cadence_hospitals(now_mentor))) == {"Nemba", "Ruli"}
    assert names(select(Hospital.name).where(readable_hospitals(now_admin))) == {"Nemba"}
    assert names(select(Mentor.full_name).where(readable_mentors(now_admin))) == set()
    now_sysadmin = User(role="sysadmin", mentor_id=alpha.id, hospital_id=nemba.id)  # Alpha's account made system administrator
    for scope in (readable_hospitals, cadence_hospitals, equipment_hospitals):
        assert names(select(Hospital.name).where(scope(now_sysadmin))) == set()
    for scope in (readable_mentees, feedback_mentees):
        assert names(select(Mentee.full_name).where(scope(now_sysadmin))) == set()
    assert names(select(Mentor.full_name).where(readable_mentors(now_sysadmin))) == set()
    assert names(select(Reflection.went_well).where(readable_reflections(now_sysadmin))) == set()
    assert set(db.session.scalars(select(Visit.id).where(readable_visits(now_sysadmin)))) == set()
