"""The writing owed per held visit is stored (issue 23) and kept equal to what the records say (`writing_counts`)
whatever writes them: feedback, reflections, attendance (the form's bulk replace too), visits, assignments and
mentors; the writing tile reads the stored rows and lists what the records say."""

import importlib.util
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, update

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.mentoring.followup import visits_with_writing_missing
from blueprints.mentoring.models import Reflection, VisitWriting
from blueprints.mentoring.writing import refresh_writing, writing_counts, writing_missing_from_records
from blueprints.people.models import Assignment
from blueprints.visits import services as visit_services
from blueprints.visits.attendance import attendance_version
from blueprints.visits.models import MentorAttendance, Visit, VisitStatus
from tests.dashboard.helpers import make_visit, write_feedback
from tests.factories import assign, make_hospital, make_mentee, make_mentor, make_team, make_user

COUNTS = ("feedback_expected", "feedback_signed", "feedback_drafted", "reflections_expected", "reflections_written")


def stored() -> dict[int, tuple]:
    db.session.flush()
    return {row.visit_id: tuple(getattr(row, name) for name in COUNTS)
            for row in db.session.execute(select(VisitWriting.visit_id, *(getattr(VisitWriting, n) for n in COUNTS)))}


def from_records() -> dict[int, tuple]:
    return {row.visit_id: tuple(getattr(row, name) for name in COUNTS)
            for row in db.session.execute(writing_counts([Visit.status == VisitStatus.HELD]))}


def assert_consistent() -> dict[int, tuple]:
    """The stored rows are what the records say, and the tile's statement lists what the one working it out does."""
    rows = stored()
    assert rows == from_records()
    coordinator = make_user("coordinator")
    start, end = date(2000, 1, 1), today() + timedelta(days=400)
    assert (db.session.execute(visits_with_writing_missing(coordinator, start, end)).all()
            == db.session.execute(writing_missing_from_records(coordinator, start, end)).all())
    return rows


@pytest.fixture
def w():
    """Team North at Nemba: two mentors with two mentees each (since 300 days ago) and a held visit 20 days ago."""
    team = make_team("Team North")
    nemba = make_hospital("Nemba", team=team)
    me, colleague = make_mentor(team, name="Mentor Me"), make_mentor(team, name="Mentor Colleague")
    mentees = [make_mentee(nemba, name=f"Mentee {n}") for n in range(4)]
    start = today() - timedelta(days=300)
    assignments = [assign(me, mentees[0], start=start), assign(me, mentees[1], start=start),
                   assign(colleague, mentees[2], start=start), assign(colleague, mentees[3], start=start)]
    visit = make_visit(nemba, team, today() - timedelta(days=20))
    db.session.flush()
    return {"team": team, "nemba": nemba, "me": me, "colleague": colleague, "mentees": mentees, "visit": visit,
            "assignments": assignments}


def test_a_held_visit_has_its_writing_stored_from_the_start_and_other_visits_none(w):
    planned = make_visit(w["nemba"], w["team"], today() + timedelta(days=30), status="planned")
    rows = assert_consistent()
    assert rows[w["visit"].id] == (4, 0, 0, 2, 0)
    assert planned.id not in rows


def test_the_stored_counts_follow_feedback_drafted_signed_reopened_moved_and_deleted(w):
    visit, me, mentees = w["visit"], w["me"], w["mentees"]
    draft = write_feedback(visit, me, mentees[0])
    assert assert_consistent()[visit.id] == (4, 0, 1, 2, 0)
    draft.status = "signed"
    assert assert_consistent()[visit.id] == (4, 1, 0, 2, 0)
    draft.status = "draft"
    assert assert_consistent()[visit.id] == (4, 0, 1, 2, 0)
    draft.mentee_id = mentees[1].id
    assert assert_consistent()[visit.id] == (4, 0, 1, 2, 0)
    other = make_visit(w["nemba"], w["team"], today() - timedelta(days=80))
    draft.visit_id = other.id
    rows = assert_consistent()
    assert rows[visit.id] == (4, 0, 0, 2, 0) and rows[other.id] == (4, 0, 1, 2, 0)
    db.session.delete(draft)
    assert assert_consistent()[other.id] == (4, 0, 0, 2, 0)


def test_the_stored_counts_follow_a_feedback_signed_off_by_the_service(w):
    from blueprints.mentoring.services import sign_feedback

    feedback = write_feedback(w["visit"], w["me"], w["mentees"][0])
    sign_feedback(feedback, feedback.version, make_user("mentor", mentor=w["me"]))
    assert assert_consistent()[w["visit"].id] == (4, 1, 0, 2, 0)


def test_the_stored_counts_follow_reflections_written_moved_and_deleted(w):
    visit = w["visit"]
    reflection = Reflection(visit_id=visit.id, mentor_id=w["me"].id, went_well="ok")
    db.session.add(reflection)
    assert assert_consistent()[visit.id] == (4, 0, 0, 2, 1)
    reflection.mentor_id = make_mentor(make_team("Elsewhere")).id  # a mentor who did not come
    assert assert_consistent()[visit.id] == (4, 0, 0, 2, 0)
    reflection.mentor_id = w["colleague"].id
    assert assert_consistent()[visit.id] == (4, 0, 0, 2, 1)
    db.session.delete(reflection)
    assert assert_consistent()[visit.id] == (4, 0, 0, 2, 0)


def test_the_stored_counts_follow_attendance_recorded_changed_and_replaced_by_the_form(w):
    visit, me, colleague = w["visit"], w["me"], w["colleague"]
    absent = MentorAttendance(visit_id=visit.id, mentor_id=me.id, present=False, reason="Sick")
    db.session.add(absent)
    assert assert_consistent()[visit.id] == (2, 0, 0, 1, 0)
    absent.present, absent.reason = True, ""
    assert assert_consistent()[visit.id] == (4, 0, 0, 2, 0)
    guest = make_mentor(make_team("Team South"), name="Guest")
    assign(guest, make_mentee(w["nemba"], name="Guest's mentee"), start=today() - timedelta(days=100))
    db.session.add(MentorAttendance(visit_id=visit.id, mentor_id=guest.id, present=True))
    assert assert_consistent()[visit.id] == (5, 0, 0, 3, 0)
    # The form deletes the rows it showed in one statement and adds the marks given (none for the guest here).
    refusals = visit_services.record_attendance(
        visit, mentors={me.id: (False, "Sick"), colleague.id: (None, ""), guest.id: (None, "")}, mentee_days=set(),
        allowed_mentor_ids={me.id, colleague.id, guest.id}, allowed_mentee_ids=set(), opened_version=attendance_version(visit.id))
    assert refusals == []
    assert assert_consistent()[visit.id] == (2, 0, 0, 1, 0)
    visit_services.record_attendance(
        visit, mentors={me.id: (None, "")}, mentee_days=set(), allowed_mentor_ids={me.id}, allowed_mentee_ids=set(),
        opened_version=attendance_version(visit.id))  # nothing added: only the DELETE statement changed the rows
    assert assert_consistent()[visit.id] == (4, 0, 0, 2, 0)


def test_the_stored_counts_follow_attendance_written_by_orm_statements(w):
    visit, me = w["visit"], w["me"]
    db.session.execute(insert(MentorAttendance), [{"visit_id": visit.id, "mentor_id": me.id, "present": False, "reason": "x"}])
    assert assert_consistent()[visit.id] == (2, 0, 0, 1, 0)
    db.session.execute(update(MentorAttendance).where(MentorAttendance.visit_id == visit.id).values(present=True, reason=""))
    assert assert_consistent()[visit.id] == (4, 0, 0, 2, 0)
    db.session.execute(delete(MentorAttendance).where(MentorAttendance.visit_id == visit.id))
    assert assert_consistent()[visit.id] == (4, 0, 0, 2, 0)


def test_the_stored_counts_follow_a_visit_held_cancelled_moved_and_given_to_another_team(w):
    visit = w["visit"]
    visit.status = VisitStatus.CANCELLED
    visit.status_reason = "weather"
    assert visit.id not in assert_consistent()
    visit.status, visit.status_reason = VisitStatus.HELD, ""
    assert assert_consistent()[visit.id] == (4, 0, 0, 2, 0)
    visit.start_date = visit.end_date = today() - timedelta(days=400)  # before any assignment began
    visit.days = 1
    assert assert_consistent()[visit.id] == (0, 0, 0, 2, 0)
    visit.start_date, visit.end_date, visit.days = today() - timedelta(days=20), today() - timedelta(days=18), 3
    assert assert_consistent()[visit.id] == (4, 0, 0, 2, 0)
    visit.team = make_team("Team Without Mentors")
    assert assert_consistent()[visit.id] == (0, 0, 0, 0, 0)
    db.session.delete(visit)
    assert visit.id not in assert_consistent()


def test_the_stored_counts_follow_assignments_made_moved_ended_and_deleted(w):
    visit, me, colleague = w["visit"], w["me"], w["colleague"]
    late = make_mentee(w["nemba"], name="Late Mentee")
    assignment = assign(me, late, start=today() - timedelta(days=5))  # after the visit
    assert assert_consistent()[visit.id] == (4, 0, 0, 2, 0)
    assignment.start_date = today() - timedelta(days=19)
    assert assert_consistent()[visit.id] == (5, 0, 0, 2, 0)
    assignment.mentor_id = make_mentor(make_team("Team Other")).id
    assert assert_consistent()[visit.id] == (4, 0, 0, 2, 0)
    assignment.mentor_id = colleague.id
    assert assert_consistent()[visit.id] == (5, 0, 0, 2, 0)
    first = w["assignments"][0]
    first.end_date, first.end_reason = today() - timedelta(days=25), "other"  # ended before the visit
    assert assert_consistent()[visit.id] == (4, 0, 0, 2, 0)
    first.end_date = first.end_reason = None
    assert assert_consistent()[visit.id] == (5, 0, 0, 2, 0)
    db.session.delete(db.session.get(Assignment, first.id))
    assert assert_consistent()[visit.id] == (4, 0, 0, 2, 0)


def test_the_stored_counts_follow_an_assignment_of_a_guest_recorded_at_another_teams_visit(w):
    guest = make_mentor(make_team("Team South"), name="Guest")
    db.session.add(MentorAttendance(visit_id=w["visit"].id, mentor_id=guest.id, present=True))
    assert assert_consistent()[w["visit"].id] == (4, 0, 0, 3, 0)
    assign(guest, make_mentee(w["nemba"], name="Guest's mentee"), start=today() - timedelta(days=100))
    assert assert_consistent()[w["visit"].id] == (5, 0, 0, 3, 0)


def test_the_stored_counts_follow_mentors_made_inactive_moved_and_joining(w):
    visit, me = w["visit"], w["me"]
    me.active = False
    assert assert_consistent()[visit.id] == (2, 0, 0, 1, 0)
    me.active = True
    assert assert_consistent()[visit.id] == (4, 0, 0, 2, 0)
    south = make_team("Team South")
    south_visit = make_visit(make_hospital("Byumba", team=south), south, today() - timedelta(days=40))
    assert assert_consistent()[south_visit.id] == (0, 0, 0, 0, 0)
    me.team = south
    rows = assert_consistent()
    assert rows[visit.id] == (2, 0, 0, 1, 0) and rows[south_visit.id] == (2, 0, 0, 1, 0)
    make_mentor(w["team"], name="Newcomer")
    assert assert_consistent()[visit.id] == (2, 0, 0, 2, 0)


def test_refresh_writing_rebuilds_every_row_after_bulk_inserts(w):
    write_feedback(w["visit"], w["me"], w["mentees"][0], status="signed")
    db.session.execute(delete(VisitWriting.__table__))
    assert stored() == {}
    refresh_writing()
    assert assert_consistent()[w["visit"].id] == (4, 1, 0, 2, 0)


def test_the_migration_fills_the_counts_from_existing_records_like_the_app_does(w):
    """Its plain SQL gives the rows `writing_counts` gives (recorded absent, guests, ended assignments, zeros)."""
    visit, me, colleague = w["visit"], w["me"], w["colleague"]
    write_feedback(visit, me, w["mentees"][0], status="signed")
    write_feedback(visit, colleague, w["mentees"][2])
    db.session.add(Reflection(visit_id=visit.id, mentor_id=colleague.id))
    older = make_visit(w["nemba"], w["team"], today() - timedelta(days=120))
    db.session.add(MentorAttendance(visit_id=older.id, mentor_id=me.id, present=False, reason="Sick"))
    guest = make_mentor(make_team("Team South"), name="Guest")
    db.session.add(MentorAttendance(visit_id=older.id, mentor_id=guest.id, present=True))
    w["assignments"][3].end_date, w["assignments"][3].end_reason = today() - timedelta(days=60), "other"
    make_visit(w["nemba"], make_team("Empty Team"), today() - timedelta(days=200))
    make_mentor(w["team"], name="Retired").active = False
    expected = stored()
    path = next(Path("migrations/versions").glob("*_visit_writing_counts_per_held_visit.py"))
    spec = importlib.util.spec_from_file_location("writing_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    db.session.execute(delete(VisitWriting.__table__))
    db.session.execute(db.text(migration.FILL))
    assert stored() == expected == from_records()
    assert len(expected) == 3


def test_the_demo_programmes_stored_counts_are_what_its_records_say(runner):
    runner.invoke(args=["demo-data"])
    rows = assert_consistent()
    assert len(rows) == db.session.query(Visit).filter(Visit.status == VisitStatus.HELD).count()
    assert any(expected > signed for expected, signed, *_rest in rows.values())
