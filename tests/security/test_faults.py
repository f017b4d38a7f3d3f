"""Faults (issue 8, point 12): a worker killed with SIGKILL in the middle of a bulk roster import or a bulk
PDF export leaves the database consistent: SQLite's integrity check passes, no half-imported roster, the
export job is marked failed and retryable, and the retry completes.

Each worker is a real process on the test's database: the roster import through its services
(tests/security/fault_worker.py), the export through `flask run-export`."""

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent, utcnow
from blueprints.defaults import seed_defaults
from blueprints.mentoring.models import Feedback
from blueprints.people import roster
from blueprints.people.models import Hospital, Mentee
from blueprints.reports.exports import run_export
from blueprints.reports.models import ExportJob
from tests.factories import login, make_hospital, make_mentee, make_mentor, make_team, make_user
from tests.visits.conftest import held_visit

ROOT = Path(__file__).resolve().parents[2]
ROWS, KILL_AT = 400, 200
SHEETS = 6


def worker_env(app) -> dict:
    return {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "f" * 40,
            "FLASK_EXPORT_DIR": app.config["EXPORT_DIR"], "PYTHONPATH": str(ROOT)}


def wait_for_line(process, prefix: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.startswith(prefix):
            return line
        if not line and process.poll() is not None:
            raise AssertionError(f"the worker ended ({process.returncode}) before {prefix!r}: {process.stderr.read()}")
    raise AssertionError(f"no {prefix!r} from the worker in {timeout} s")


def kill(process) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def row_counts() -> dict[str, int]:
    counts = {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}
    db.session.rollback()  # never hold SQLite's write lock while a worker runs
    return counts


def assert_database_is_sound() -> None:
    if db.engine.dialect.name == "sqlite":
        assert db.session.scalar(text("PRAGMA integrity_check")) == "ok"
        assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
    db.session.rollback()


def test_a_worker_killed_in_the_middle_of_a_roster_import_leaves_no_half_imported_roster(app, tmp_path):
    hospital = make_hospital("Ruli")
    hospital_id = hospital.id
    seed_defaults()  # the professions and departments the file names
    db.session.commit()
    csv_file = tmp_path / "roster.csv"
    csv_file.write_text("full_name,profession,department,phone\n"
                        + "".join(f"Mentee Number {n:04d},midwife,maternity,\n" for n in range(ROWS)), encoding="utf-8")
    before = row_counts()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.security.fault_worker", app.config["SQLALCHEMY_DATABASE_URI"], str(hospital_id),
         str(csv_file), str(KILL_AT)], cwd=ROOT, env=worker_env(app), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for_line(process, "inserted") == f"inserted {KILL_AT}\n"
    finally:
        kill(process)
    assert process.returncode == -signal.SIGKILL

    assert_database_is_sound()
    assert row_counts() == before  # not one mentee nor audit row of the import
    check = roster.check_roster(csv_file.read_text(encoding="utf-8"), db.session.get(Hospital, hospital_id))
    assert check.ok  # nothing half-imported stands in the way: no row is "already a mentee"
    roster.save_roster(check)
    db.session.commit()
    assert db.session.scalar(select(func.count(Mentee.id)).where(Mentee.hospital_id == hospital_id)) == ROWS
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "roster.import")) == 1
    assert_database_is_sound()


@pytest.mark.real_clock  # the worker process writes its heartbeat by the real clock; this test judges it stale by its own
def test_a_worker_killed_in_the_middle_of_a_bulk_export_leaves_the_job_failed_and_a_retry_completes(app, client):
    team = make_team()
    hospital = make_hospital("Kinihira", team=team)
    mentor = make_mentor(team)
    visit = held_visit(hospital, team, today() - timedelta(days=10), mentors=[mentor])
    for n in range(SHEETS):
        mentee = make_mentee(hospital, name=f"Mentee {chr(65 + n)}")
        db.session.add(Feedback(visit_id=visit.id, mentee_id=mentee.id, mentor_id=mentor.id, status="signed",
                                strengths=f"Strengths {n}"))
    coordinator = make_user("coordinator")
    job = ExportJob(requested_by_id=coordinator.id, date_from=today() - timedelta(days=30), date_to=today(), total=SHEETS)
    db.session.add(job)
    db.session.flush()
    job_id, coordinator_name = job.id, coordinator.username
    db.session.commit()
    before = row_counts()

    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "run-export", str(job_id)], cwd=ROOT,
                               env=worker_env(app), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            done = db.session.scalar(select(ExportJob.done).where(ExportJob.id == job_id, ExportJob.status == "running"))
            db.session.rollback()
            if done and done >= 2:
                break
            time.sleep(0.05)
        assert process.poll() is None, f"the export ended before it could be killed: {process.stderr.read()}"
    finally:
        kill(process)
    assert process.returncode == -signal.SIGKILL

    assert_database_is_sound()
    after = row_counts()
    assert after.pop("stored_sheet") <= SHEETS  # the signed sheets rendered so far are kept: a copy, served again
    assert after == {table: count for table, count in before.items() if table != "stored_sheet"}
    job = db.session.get(ExportJob, job_id)
    assert job.status == "running" and 2 <= job.done < SHEETS
    db.session.rollback()

    stale = app.config["EXPORT_STALE_SECONDS"] + 1  # the dead runner's last beat, moved back rather than waited for
    db.session.execute(update(ExportJob).where(ExportJob.id == job_id).values(heartbeat_at=utcnow() - timedelta(seconds=stale)))
    db.session.commit()
    login(client, coordinator_name)
    page = client.get(f"/reports/exports/{job_id}").get_data(as_text=True)
    assert "stopped before it finished" in page and "Retry" in page
    assert db.session.get(ExportJob, job_id).status == "failed"
    assert client.post(f"/reports/exports/{job_id}/retry").status_code == 302
    assert run_export(job_id) == "done"

    job = db.session.get(ExportJob, job_id)
    assert (job.status, job.done, job.total) == ("done", SHEETS, SHEETS)
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/reports/exports/{job_id}/download").data))
    assert archive.testzip() is None and len(archive.namelist()) == SHEETS
    assert_database_is_sound()
