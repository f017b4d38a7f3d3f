"""The benchmark's data generator at a tiny scale, so `make test` keeps it working (the benchmark
itself is `make bench`). It writes into its own SQLite files, and into the suite's database."""

import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, func, select, text

from bench.generate import GenerateRefused, build, generate, hospitals_for, main
from bench.run import ACCOUNTS, BASELINE, PAGES
from blueprints.auth.models import User
from blueprints.core.extensions import db
from blueprints.people.models import Assignment, Hospital, Mentee, Mentor, Team
from tests.factories import make_hospital, make_mentee

TODAY = date(2026, 11, 26)
TABLES = ("hospital", "team", "mentor", "mentee", "assignment", '"user"')


def fingerprint(path) -> dict:
    """Row counts, names and histories of a generated database, to compare two runs."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        counts = {t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}
        mentees = connection.execute(text("SELECT id, full_name, status, hospital_id FROM mentee ORDER BY id")).all()
        assignments = connection.execute(text("SELECT * FROM assignment ORDER BY id")).all()
        users = connection.execute(text('SELECT username, display_name, role FROM "user" ORDER BY id')).all()
    engine.dispose()
    return {"counts": counts, "mentees": mentees, "assignments": assignments, "users": users}


@pytest.mark.no_db
def test_scale_multiplies_the_42_hospitals():
    assert (hospitals_for(1), hospitals_for(3), hospitals_for(10), hospitals_for(0.05)) == (42, 126, 420, 2)


@pytest.mark.no_db
def test_generator_makes_the_same_programme_from_the_same_seed(tmp_path, capsys):
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    assert main(["--hospitals", "2", "--today", TODAY.isoformat(), "--database-url", f"sqlite:///{first}"]) == 0
    assert "2 hospital" in capsys.readouterr().out
    generate(f"sqlite:///{second}", hospitals=2, today=TODAY)

    one = fingerprint(first)
    assert one == fingerprint(second)
    assert one["counts"]["hospital"] == one["counts"]["team"] == 2
    assert one["counts"]["mentor"] == 10
    # sysadmin, coordinator, one admin per hospital, one per mentor, one per mentee
    assert one["counts"]['"user"'] == 2 + 2 + 10 + one["counts"]["mentee"]
    assert 100 <= one["counts"]["mentee"] <= 200  # five years of mentees, about 70 per hospital
    assert {status for _, _, status, _ in one["mentees"]} == {"active", "completed", "left"}
    assert [u[0] for u in one["users"][:4]] == ["sysadmin", "coordinator", "admin.h001", "admin.h002"]
    assert one["users"][13][0] == "mentor.0010" and one["users"][-1][0] == f"mentee.{one['counts']['mentee']}"

    different = fingerprint_after(tmp_path / "other.db", seed=7)
    assert different["mentees"] != one["mentees"]


def fingerprint_after(path, **options) -> dict:
    generate(f"sqlite:///{path}", hospitals=2, today=TODAY, **options)
    return fingerprint(path)


@pytest.mark.no_db
def test_generator_refuses_a_database_with_data_unless_reset(tmp_path):
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    generate(url, hospitals=1, today=TODAY)
    with pytest.raises(GenerateRefused):
        generate(url, hospitals=2, today=TODAY)
    assert main(["--hospitals", "2", "--database-url", url]) == 2
    assert generate(url, hospitals=2, today=TODAY, reset=True)["hospital"] == 2


def test_generated_history_respects_the_domain_in_the_suites_database():
    """On SQLite and PostgreSQL alike; afterwards the app adds rows as usual (sequences moved on)."""
    counts = build(hospitals=3, today=TODAY, password_hash="not-used")
    db.session.commit()
    assert counts["hospital"] == db.session.scalar(select(func.count(Hospital.id))) == 3
    assert db.session.scalar(select(func.count(Team.id))) == 3

    open_pairings = select(Assignment.mentor_id, func.count().label("n")).where(Assignment.end_date.is_(None)).group_by(Assignment.mentor_id)
    assert max(n for _, n in db.session.execute(open_pairings)) <= 3  # at most 3 mentees a mentor at a time
    moved = select(Assignment.mentee_id).group_by(Assignment.mentee_id).having(func.count(func.distinct(Mentor.team_id)) > 1)
    assert db.session.scalars(moved.join(Mentor, Mentor.id == Assignment.mentor_id)).first() is not None  # transfers
    reasons = set(db.session.scalars(select(Assignment.end_reason).distinct()))
    assert {"transferred", "completed", "left_service", None} <= reasons
    active = db.session.scalar(select(func.count(Mentee.id)).where(Mentee.status == "active"))
    active_with_open_pairing = db.session.scalar(
        select(func.count(func.distinct(Assignment.mentee_id))).where(Assignment.end_date.is_(None))
    )
    assert active == active_with_open_pairing
    assert db.session.scalar(select(func.count(User.id)).where(User.role == "mentor")) == 15
    accounts = select(func.count(User.id)).join(Mentee, Mentee.id == User.mentee_id).where(User.role == "mentee")
    assert db.session.scalar(accounts) == counts["mentee"]  # one account per mentee, on while they are in the programme
    assert db.session.scalar(accounts.where(User.active != (Mentee.status == "active"))) == 0

    hospital = make_hospital()
    make_mentee(hospital)
    assert hospital.id == 4


@pytest.mark.no_db
def test_every_benchmarked_page_is_a_route_and_every_role_has_an_account(app):
    adapter = app.url_map.bind("localhost")
    for page in (BASELINE, *PAGES):
        adapter.match(urlsplit(re.sub(r"\{\w+\}", "1", page.path)).path, method="GET")  # raises NotFound
        assert page.role is None or page.role in ACCOUNTS


def test_generated_visits_and_mentoring_record_respect_the_domain():
    """Visits at the cadence with attendance; feedback only from present mentors to present mentees, ~20
    ratings each; action items followed up later; reflections; absences, transfers; a check of every item at
    every held visit. On SQLite and PostgreSQL alike."""
    from blueprints.equipment.models import EquipmentCheck, EquipmentCount, EquipmentItem
    from blueprints.mentoring.models import ActionItem, Feedback, Reflection, SkillRating
    from blueprints.people.models import Absence, Transfer
    from blueprints.visits.models import MenteeAttendance, MentorAttendance, Visit

    counts = build(hospitals=3, today=TODAY, password_hash="not-used")
    db.session.commit()
    statuses = set(db.session.scalars(select(Visit.status).distinct()))
    assert {"held", "planned"} <= statuses and statuses & {"postponed", "cancelled"}
    held = db.session.scalar(select(func.count(Visit.id)).where(Visit.status == "held"))
    assert 3 * 25 <= held <= 3 * 32  # five years at about 60 days
    assert db.session.scalar(select(func.count(Visit.id)).where(Visit.status == "held", Visit.end_date >= TODAY)) == 0
    assert db.session.scalar(select(func.count(MentorAttendance.id))) == held * 5
    assert db.session.scalar(select(func.count(MentorAttendance.id)).where(MentorAttendance.present.is_(False))) > 0

    not_present = (
        select(func.count(Feedback.id))
        .outerjoin(MenteeAttendance, (MenteeAttendance.visit_id == Feedback.visit_id) & (MenteeAttendance.mentee_id == Feedback.mentee_id))
        .where(MenteeAttendance.id.is_(None))
    )
    assert db.session.scalar(not_present) == 0
    absent_mentor = (
        select(func.count(Feedback.id))
        .join(MentorAttendance, (MentorAttendance.visit_id == Feedback.visit_id) & (MentorAttendance.mentor_id == Feedback.mentor_id))
        .where(MentorAttendance.present.is_(False))
    )
    assert db.session.scalar(absent_mentor) == 0
    feedbacks = counts["feedback"]
    assert feedbacks > held * 5
    assert counts["skill_rating"] == db.session.scalar(select(func.count(SkillRating.id))) == 20 * feedbacks
    assert db.session.scalar(select(func.count(Feedback.id)).where(Feedback.status == "draft")) > 0
    assert db.session.scalar(select(func.count(ActionItem.id)).where(ActionItem.followed_up_in_id.is_not(None))) > 0
    per_sheet = dict(db.session.execute(select(ActionItem.feedback_id, func.count(ActionItem.id)).group_by(ActionItem.feedback_id)).all())
    kept = dict(db.session.execute(select(Feedback.id, Feedback.item_count).where(Feedback.item_count > 0)).all())
    assert kept == per_sheet  # the generator fills each sheet's item counts (mentoring/sheet_items.py) too
    assert db.session.scalar(select(func.count(Reflection.id)).where(Reflection.support_needed != "")) > 0
    assert {"annual_leave", "night_shift"} <= set(db.session.scalars(select(Absence.kind).distinct()))
    assert {"hospital", "left_service"} <= set(db.session.scalars(select(Transfer.kind).distinct()))

    items = db.session.scalar(select(func.count(EquipmentItem.id)).where(EquipmentItem.retired.is_(False)))
    assert items == 60
    assert db.session.scalar(select(func.count(EquipmentCheck.id))) == held
    assert db.session.scalar(select(func.count(EquipmentCount.id))) == held * items
    assert db.session.scalar(select(func.count(EquipmentCount.id)).where(EquipmentCount.functional < EquipmentCount.available)) > 0
    from blueprints.equipment.gap_matrix import cells_from_counts, gap_changes_from_counts
    from blueprints.equipment.models import EquipmentGapChange, EquipmentStatus

    assert db.session.scalar(select(func.count(EquipmentStatus.id))) == len(cells_from_counts()) == 3 * items
    kept = {(c.hospital_id, c.item_id, c.changed_on): c.delta for c in db.session.scalars(select(EquipmentGapChange))}
    assert kept == gap_changes_from_counts() and sum(kept.values()) > 0  # the generator fills the report trend's rows too
    from tests.mentoring.test_writing_counts import from_records, stored

    writing = stored()
    assert len(writing) == held and writing == from_records()  # and the writing counts of every held visit
    assert counts["visit_writing"] == held


@pytest.mark.no_db
def test_generated_database_has_its_table_statistics(tmp_path):
    """Planned without statistics (a bulk load, before autovacuum's pass), the writing tile ran for 13 minutes at
    scale 10 on PostgreSQL; the generator analyses what it wrote, as a live database would have been."""
    path = tmp_path / "bench.db"
    generate(f"sqlite:///{path}", hospitals=1, today=TODAY)
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        analysed = {row[0] for row in connection.execute(text("SELECT tbl FROM sqlite_stat1"))}
    engine.dispose()
    assert {"visit", "feedback", "mentor_attendance", "assignment"} <= analysed
