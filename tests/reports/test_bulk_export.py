"""Bulk export of feedback sheets (coordinators): a job in the database, a zip of one PDF per sheet of the
range and hospitals, progress polled with htmx, a dead runner noticed and retried, zips stored in the database
for a day."""

import io
import zipfile
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select

from blueprints.core.clock import today
from blueprints.core.config import DefaultConfig
from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent, utcnow
from blueprints.mentoring.models import Feedback, SkillRating
from blueprints.reports import exports, queries, services
from blueprints.reports.exports import run_export, sweep_exports
from blueprints.reports.models import ExportChunk, ExportJob
from tests.conftest import run_queued
from tests.factories import login, make_user
from tests.mentoring.conftest import midwife_skills


def add_feedback(world, visit="visit", mentee="mentee", mentor="mentor", status="signed", strengths="Calm") -> Feedback:
    skill = midwife_skills()[0]
    feedback = Feedback(visit_id=world[visit].id, mentee_id=world[mentee].id, mentor_id=world[mentor].id, status=status,
                        strengths=strengths, ratings=[SkillRating(skill_id=skill.id, rating=3)])
    db.session.add(feedback)
    db.session.flush()
    return feedback


def ask(client, world, hospitals=("nemba",), days_back=30, **extra):
    data = {"date_from": (today() - timedelta(days=days_back)).isoformat(), "date_to": today().isoformat(),
            "hospital_ids": [str(world[h].id) for h in hospitals], **extra}
    return client.post("/reports/exports", data=data)


def only_job() -> ExportJob:
    db.session.expire_all()
    [job] = db.session.scalars(select(ExportJob)).all()
    return job


def zip_of(client, job) -> zipfile.ZipFile:
    response = client.get(f"/reports/exports/{job.id}/download")
    assert response.status_code == 200, response.status_code
    return zipfile.ZipFile(io.BytesIO(response.data))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def sheets(world):
    """Nemba: two sheets at the recent visit (one a draft) and one at the earlier visit; Kabgayi: one."""
    add_feedback(world, strengths="Amina recent strengths")
    add_feedback(world, mentee="mentee_2", status="draft", strengths="Grace draft strengths")
    add_feedback(world, visit="earlier", strengths="Amina earlier strengths")
    add_feedback(world, visit="visit_k", mentee="mentee_k", mentor="other_mentor", strengths="Kabgayi strengths")
    return world


def test_only_coordinators_may_open_ask_for_or_download_exports(client, sheets):
    job = ExportJob(requested_by_id=sheets["coordinator"].id, date_from=today(), date_to=today(), status="failed")
    db.session.add(job)
    db.session.flush()
    sysadmin = make_user("sysadmin")
    for user in (sheets["mentor_user"], sheets["nemba_admin"], sysadmin):
        login(client, user)
        assert client.get("/reports/exports").status_code == 403
        assert ask(client, sheets).status_code == 403
        for path in (f"/reports/exports/{job.id}", f"/reports/exports/{job.id}/progress", f"/reports/exports/{job.id}/download"):
            assert client.get(path).status_code == 403
        assert client.post(f"/reports/exports/{job.id}/retry").status_code == 403
        assert "/reports/exports" not in client.get("/").get_data(as_text=True)
        client.post("/logout")
    assert only_job().status == "failed"
    login(client, sheets["coordinator"])
    page = client.get("/reports/exports")
    assert page.status_code == 200 and 'href="/reports/exports"' in page.get_data(as_text=True)


def test_asking_for_an_export_queues_a_job_counts_its_sheets_and_is_audited(client, sheets):
    login(client, sheets["coordinator"])
    response = ask(client, sheets)
    job = only_job()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/reports/exports/{job.id}")
    assert (job.status, job.total, job.hospital_ids, job.requested_by_id) == ("queued", 2, [sheets["nemba"].id], sheets["coordinator"].id)
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.request")).all()
    assert event.object_id == job.id and event.username == "coord" and event.after["hospitals"] == ["Nemba"]


def test_the_zip_holds_one_pdf_per_sheet_of_the_range_and_hospitals_named_by_hospital_visit_and_mentee(app, client, sheets):
    login(client, sheets["coordinator"])
    ask(client, sheets)
    job = only_job()
    result = app.test_cli_runner().invoke(args=["run-export", str(job.id)])
    assert result.exit_code == 0, result.output
    day = sheets["visit"].start_date.isoformat()
    archive = zip_of(client, only_job())
    assert sorted(archive.namelist()) == [f"nemba/{day}/amina-uwase.pdf", f"nemba/{day}/grace-mukamana-draft.pdf"]
    amina = pdf_text(archive.read(f"nemba/{day}/amina-uwase.pdf"))
    assert "Amina Uwase" in amina and "Amina recent strengths" in amina and "DRAFT" not in amina
    assert "earlier strengths" not in amina  # the earlier visit is outside the range
    grace = pdf_text(archive.read(f"nemba/{day}/grace-mukamana-draft.pdf"))
    assert "Grace draft strengths" in grace and "DRAFT" in grace


def test_no_hospital_ticked_exports_every_hospital_and_signed_only_leaves_drafts_out(client, sheets):
    login(client, sheets["coordinator"])
    ask(client, sheets, hospitals=(), days_back=100, signed_only="y")
    job = only_job()
    assert job.hospital_ids == [] and job.signed_only
    assert run_export(job.id) == "done"
    names = sorted(zip_of(client, only_job()).namelist())
    assert [n.split("/")[0] for n in names] == ["kabgayi", "nemba", "nemba"]
    assert not any("draft" in n for n in names)
    assert "Kabgayi strengths" in pdf_text(zip_of(client, only_job()).read(names[0]))


def test_a_range_with_no_sheet_or_ending_before_it_starts_is_refused_and_nothing_is_queued(client, sheets):
    login(client, sheets["coordinator"])
    empty = client.post("/reports/exports", data={"date_from": (today() - timedelta(days=5)).isoformat(),
                                                  "date_to": today().isoformat()})
    assert empty.status_code == 422 and "No feedback sheet matches" in empty.get_data(as_text=True)
    backwards = client.post("/reports/exports", data={"date_from": today().isoformat(),
                                                      "date_to": (today() - timedelta(days=5)).isoformat()})
    assert backwards.status_code == 422 and "cannot be before the first day" in backwards.get_data(as_text=True)
    assert db.session.scalars(select(ExportJob)).all() == []


YEAR_OF_NATIONAL_SHEETS = 2_300  # issue 23: a year of the whole programme's sheets at scale 1 (2,113 in `make bench-export`)


@pytest.mark.no_db
def test_a_year_of_national_feedback_sheets_fits_one_export_by_default():
    assert DefaultConfig.EXPORT_MAX_SHEETS >= YEAR_OF_NATIONAL_SHEETS


def test_more_sheets_than_one_export_holds_are_refused_next_to_the_dates_with_the_limit_named_and_nothing_queued(
        app, client, sheets, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_MAX_SHEETS", 3)
    login(client, sheets["coordinator"])
    response = ask(client, sheets, hospitals=(), days_back=100)
    assert response.status_code == 422
    assert ('id="date_from-error">4 sheets match, more than the 3 one export holds. Choose fewer hospitals or a shorter range.'
            in response.get_data(as_text=True))
    assert db.session.scalars(select(ExportJob)).all() == []
    assert ask(client, sheets, hospitals=("nemba",), days_back=100).status_code == 302  # three sheets: within it


def test_the_export_limit_message_writes_its_counts_as_the_language_does(app, client, sheets, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_MAX_SHEETS", 2_000)
    monkeypatch.setattr(queries, "count_export_feedback", lambda *_args: 2_113)  # a year of national sheets, unbuilt
    login(client, sheets["coordinator"])
    response = ask(client, sheets, hospitals=(), days_back=100)
    assert response.status_code == 422
    assert "2,113 sheets match, more than the 2,000 one export holds." in response.get_data(as_text=True)
    sheets["coordinator"].language = "fr"
    db.session.commit()
    french = ask(client, sheets, hospitals=(), days_back=100).get_data(as_text=True)
    assert "2\u202f113 fiches correspondent, soit plus que les 2\u202f000 que peut contenir un export." in french
    assert db.session.scalars(select(ExportJob)).all() == []


def test_a_coordinator_asks_for_the_next_export_once_the_previous_one_is_built(client, sheets):
    login(client, sheets["coordinator"])
    ask(client, sheets)
    again = ask(client, sheets)
    assert again.status_code == 422 and "still being built" in again.get_data(as_text=True)
    run_export(only_job().id)
    assert ask(client, sheets).status_code == 302


def test_the_progress_fragment_polls_every_two_seconds_while_building_and_stops_when_done(client, sheets):
    login(client, sheets["coordinator"])
    ask(client, sheets)
    job = only_job()
    attempt = services.claim(job.id)
    services.beat(job.id, attempt, 1, total=2)
    fragment = client.get(f"/reports/exports/{job.id}/progress", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'data-hx-trigger="every 2s"' in fragment and '<progress max="2" value="1"' in fragment and "1 of 2 sheets" in fragment
    assert "<html" not in fragment
    page = client.get(f"/reports/exports/{job.id}").get_data(as_text=True)
    assert 'id="export-progress"' in page and 'data-hx-trigger="every 2s"' in page
    services.fail(job.id, attempt, "stop")  # the next run starts over
    services.retry_export(only_job(), None)
    db.session.commit()
    run_export(job.id)
    fragment = client.get(f"/reports/exports/{job.id}/progress", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "data-hx-trigger" not in fragment and "Download the zip" in fragment and "2 sheets" in fragment


def test_a_runner_that_stops_beating_is_marked_failed_when_read_and_a_retry_completes(client, sheets):
    login(client, sheets["coordinator"])
    ask(client, sheets)
    job = only_job()
    attempt = services.claim(job.id)
    services.beat(job.id, attempt, 1, total=2)
    db.session.execute(ExportJob.__table__.update().values(heartbeat_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()
    fragment = client.get(f"/reports/exports/{job.id}/progress", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "stopped before it finished" in fragment and "Retry" in fragment and "data-hx-trigger" not in fragment
    assert only_job().status == "failed"
    assert client.post(f"/reports/exports/{job.id}/retry").status_code == 302
    assert (only_job().status, only_job().done, only_job().error) == ("queued", 0, "")
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "export.retry")) == "export.retry"
    assert run_export(job.id) == "done"
    assert len(zip_of(client, only_job()).namelist()) == 2


def test_a_runner_that_lost_its_job_to_a_retry_cannot_write_over_it(client, sheets):
    login(client, sheets["coordinator"])
    ask(client, sheets)
    job = only_job()
    first = services.claim(job.id)
    assert services.claim(job.id) is None  # two runners never build one job
    services.fail(job.id, first, "taken as dead")
    services.retry_export(only_job(), None)
    db.session.commit()
    second = services.claim(job.id)
    assert second == first + 1
    assert services.beat(job.id, first, 2) is False and services.finish(job.id, first, io.BytesIO(b"PK")) is False
    assert db.session.scalar(select(func.count()).select_from(ExportChunk)) == 0
    assert services.beat(job.id, second, 1) is True and only_job().done == 1


def test_only_a_failed_export_is_retried(client, sheets):
    login(client, sheets["coordinator"])
    ask(client, sheets)
    job = only_job()
    run_export(job.id)
    response = client.post(f"/reports/exports/{job.id}/retry", follow_redirects=True)
    assert "Only a failed export can be retried" in response.get_data(as_text=True)
    assert only_job().status == "done"


def test_the_download_is_never_cached_and_has_a_safe_attachment_name(client, sheets):
    login(client, sheets["coordinator"])
    ask(client, sheets)
    job = only_job()
    assert client.get(f"/reports/exports/{job.id}/download").status_code == 404  # not built yet
    run_export(job.id)
    response = client.get(f"/reports/exports/{job.id}/download")
    assert response.mimetype == "application/zip" and response.headers["Cache-Control"] == "no-store"
    start = (today() - timedelta(days=30)).isoformat()
    assert response.headers["Content-Disposition"] == f'attachment; filename="feedback-sheets-{start}-to-{today().isoformat()}.zip"'


def chunks(job) -> int:
    return db.session.scalar(select(func.count()).select_from(ExportChunk).where(ExportChunk.job_id == job.id))


def test_an_export_expires_after_a_day_and_the_daily_command_deletes_its_stored_zip(app, client, sheets):
    login(client, sheets["coordinator"])
    ask(client, sheets)
    job = only_job()
    run_export(job.id)
    job = only_job()
    assert chunks(job) >= 1 and timedelta(hours=23) < job.expires_at - utcnow() <= timedelta(hours=24)
    assert "Expired exports deleted: 0." in app.test_cli_runner().invoke(args=["daily"]).output
    db.session.execute(ExportJob.__table__.update().values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert client.get(f"/reports/exports/{job.id}/download").status_code == 410
    assert "Expired exports deleted: 1." in app.test_cli_runner().invoke(args=["daily"]).output
    assert chunks(job) == 0 and only_job().file_name == ""
    page = client.get(f"/reports/exports/{job.id}").get_data(as_text=True)
    assert "Expired" in page and "has been deleted" in page and "Download the zip" not in page
    assert "Expired" in client.get("/reports/exports").get_data(as_text=True)


def test_the_zip_is_stored_in_pieces_and_the_download_streams_them_one_at_a_time(app, client, sheets, monkeypatch):
    monkeypatch.setattr(services, "CHUNK_BYTES", 1000)
    login(client, sheets["coordinator"])
    ask(client, sheets)
    job = only_job()
    run_export(job.id)
    job = only_job()
    assert chunks(job) == -(-job.file_size // 1000) > 2
    read = []
    real_pieces = queries.export_zip_pieces

    def watched(job_id):
        for piece in real_pieces(job_id):
            read.append(len(piece))
            yield piece

    monkeypatch.setattr(queries, "export_zip_pieces", watched)
    plain = FlaskClient(app, app.response_class)  # the stream is read in the test's own context, as a server would
    login(plain, sheets["coordinator"])
    db.session.commit()
    response = plain.get(f"/reports/exports/{job.id}/download", buffered=False)
    assert response.is_streamed and read == [1000]  # the first piece only (the test client starts the stream)
    first, second = next(response.response), next(response.response)
    assert len(first) == len(second) == 1000 and read == [1000, 1000]  # each read when the client asks for it
    body = first + second + b"".join(response.response)
    response.close()
    assert len(body) == job.file_size == int(response.headers["Content-Length"]) and sum(read) == job.file_size
    assert len(zipfile.ZipFile(io.BytesIO(body)).namelist()) == 2


def test_a_coordinator_who_lost_the_role_gets_a_failed_export(client, sheets):
    login(client, sheets["coordinator"])
    ask(client, sheets)
    sheets["coordinator"].role = "sysadmin"
    db.session.commit()
    assert run_export(only_job().id) == "failed"
    assert "no longer has access" in only_job().error


def test_past_exports_are_listed_newest_first_a_page_at_a_time(client, sheets):
    coordinator = sheets["coordinator"]
    for n in range(30):
        db.session.add(ExportJob(requested_by_id=coordinator.id, date_from=today() - timedelta(days=n), date_to=today(),
                                 status="failed", created_at=utcnow() - timedelta(hours=n)))
    login(client, coordinator)
    first = client.get("/reports/exports").get_data(as_text=True)
    assert "1–25 of 30" in first and 'rel="next"' in first
    second = client.get("/reports/exports?page=2", headers={"HX-Request": "true"})
    body = second.get_data(as_text=True)
    assert second.status_code == 200 and "26–30 of 30" in body and "<form" not in body
    assert (today() - timedelta(days=29)).strftime("%b") in body


def test_the_run_export_command_refuses_a_job_already_done(app, client, sheets):
    login(client, sheets["coordinator"])
    ask(client, sheets)
    job = only_job()
    assert app.test_cli_runner().invoke(args=["run-export", str(job.id)]).exit_code == 0
    result = app.test_cli_runner().invoke(args=["run-export", str(job.id)])
    assert result.exit_code != 0 and "is done" in result.output
    assert app.test_cli_runner().invoke(args=["run-export", "999999"]).exit_code != 0


def test_in_production_the_request_hands_the_zip_to_the_job_queue_and_the_worker_builds_it(app, client, sheets, monkeypatch,
                                                                                           queued):
    monkeypatch.setitem(app.config, "EXPORT_IN_BACKGROUND", True)
    login(client, sheets["coordinator"])
    assert ask(client, sheets).status_code == 302
    assert only_job().status == "queued"  # nothing built inside the request
    assert run_queued(queued) == ["done"]
    assert only_job().status == "done" and only_job().done == 2
    assert len(zip_of(client, only_job()).namelist()) == 2


def test_an_export_whose_worker_died_is_run_again_by_the_next_worker(app, client, sheets, monkeypatch, queued):
    monkeypatch.setitem(app.config, "EXPORT_IN_BACKGROUND", True)
    login(client, sheets["coordinator"])
    ask(client, sheets)
    queued.flush()  # a worker took the job...
    job = only_job()
    attempt = services.claim(job.id)
    services.beat(job.id, attempt, 1, total=2)
    five_minutes_ago = utcnow() - timedelta(minutes=5)
    db.session.execute(ExportJob.__table__.update().values(started_at=five_minutes_ago, heartbeat_at=five_minutes_ago))
    db.session.commit()  # ...and was killed halfway
    assert sweep_exports.call_local() == 1
    assert only_job().status == "queued"
    assert run_queued(queued) == ["done"]
    assert (only_job().status, only_job().attempt) == ("done", attempt + 1)
    assert len(zip_of(client, only_job()).namelist()) == 2


def test_an_export_whose_worker_dies_on_every_attempt_is_failed_after_the_last(app, client, sheets, monkeypatch, queued):
    monkeypatch.setitem(app.config, "EXPORT_IN_BACKGROUND", True)
    login(client, sheets["coordinator"])
    ask(client, sheets)
    queued.flush()
    job = only_job()
    for _attempt in range(app.config["EXPORT_MAX_ATTEMPTS"]):
        services.claim(job.id)
        five_minutes_ago = utcnow() - timedelta(minutes=5)
        db.session.execute(ExportJob.__table__.update().values(started_at=five_minutes_ago, heartbeat_at=five_minutes_ago))
        db.session.commit()
        sweep_exports.call_local()
        queued.flush()
    assert only_job().status == "failed" and "stopped before it finished" in only_job().error


def test_a_queued_export_no_worker_took_is_handed_to_the_queue_again(app, client, sheets, monkeypatch, queued):
    monkeypatch.setitem(app.config, "EXPORT_IN_BACKGROUND", True)
    login(client, sheets["coordinator"])
    ask(client, sheets)
    queued.flush()  # the job was lost with the worker that held it
    db.session.execute(ExportJob.__table__.update().values(created_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()
    sweep_exports.call_local()
    assert run_queued(queued) == ["done"] and only_job().status == "done"


def test_each_sheet_renders_with_no_database_transaction_open_and_a_signed_one_only_once(client, sheets, monkeypatch):
    from blueprints.reports import exports, stored_sheets

    open_while_rendering = []
    real_render, real_render_signed = exports.render_pdf, stored_sheets.render_pdf

    def render(html):
        open_while_rendering.append(("draft", db.session().in_transaction()))
        return real_render(html)

    def render_signed(html, **options):
        open_while_rendering.append(("signed", db.session().in_transaction()))
        return real_render_signed(html, **options)

    monkeypatch.setattr(exports, "render_pdf", render)
    monkeypatch.setattr(stored_sheets, "render_pdf", render_signed)
    login(client, sheets["coordinator"])
    ask(client, sheets)
    assert run_export(only_job().id) == "done", only_job().error
    assert sorted(open_while_rendering) == [("draft", False), ("signed", False)]
    ask(client, sheets)
    second = db.session.scalars(select(ExportJob).order_by(ExportJob.id.desc())).first()
    assert run_export(second.id) == "done", second.error
    assert sorted(open_while_rendering) == [("draft", False), ("draft", False), ("signed", False)]  # the signed one zipped from the store
    assert "Amina recent strengths" in pdf_text(zip_of(client, second).read(f"nemba/{sheets['visit'].start_date.isoformat()}/amina-uwase.pdf"))


def run_next(queue):
    """Run the job first in the queue, as a worker would (the test's transaction ended first, as in `run_queued`)."""
    db.session.commit()
    return queue.execute(queue.dequeue())


def spread_export(app, client, sheets, monkeypatch, queued) -> ExportJob:
    """A signed-only export of the three signed sheets, none stored, one sheet per rendering job, its first job run:
    the rendering is queued for the workers."""
    monkeypatch.setitem(app.config, "EXPORT_IN_BACKGROUND", True)
    monkeypatch.setattr(exports, "RENDER_BATCH", 1)
    login(client, sheets["coordinator"])
    ask(client, sheets, hospitals=(), days_back=100, signed_only="y")
    assert run_next(queued) == "rendering"
    return only_job()


def test_a_bulk_export_spreads_rendering_over_the_workers_shows_progress_and_zips_the_stored_copies(
        app, client, sheets, monkeypatch, queued, renders):
    job = spread_export(app, client, sheets, monkeypatch, queued)
    assert queued.pending_count() == 3 and renders == []  # a rendering job per batch, for any worker to take
    assert (job.status, job.done, job.total) == ("running", 0, 3)
    assert run_next(queued) == 1
    fragment = client.get(f"/reports/exports/{job.id}/progress", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert '<progress max="3" value="1"' in fragment and "1 of 3 sheets" in fragment
    assert run_queued(queued) == [1, 1, "done"]  # the zip once every batch has ended
    assert len(renders) == 3  # each sheet rendered once, by the batches; the zip only read the stored copies
    assert (only_job().status, only_job().done) == ("done", 3)
    assert len(zip_of(client, only_job()).namelist()) == 3


def test_an_export_whose_rendering_worker_died_is_swept_and_renders_only_the_sheets_left(
        app, client, sheets, monkeypatch, queued, renders):
    first_attempt = spread_export(app, client, sheets, monkeypatch, queued).attempt
    assert run_next(queued) == 1
    queued.flush()  # the worker holding the other batches was killed
    five_minutes_ago = utcnow() - timedelta(minutes=5)
    db.session.execute(ExportJob.__table__.update().values(started_at=five_minutes_ago, heartbeat_at=five_minutes_ago))
    db.session.commit()
    assert sweep_exports.call_local() == 1
    assert run_queued(queued) == ["rendering", 1, 1, "done"]
    assert len(renders) == 3 and (only_job().status, only_job().attempt) == ("done", first_attempt + 1)
    assert len(zip_of(client, only_job()).namelist()) == 3


def test_two_exports_on_one_busy_worker_wait_their_turn_and_finish_on_their_first_attempt(
        app, client, sheets, monkeypatch, queued, renders, frozen_clock):
    """Each export's next job waits behind the other's batches for minutes with nothing beating for it: the sweep
    takes neither for dead (a runner killed) nor for lost, so neither uses up a run."""
    monkeypatch.setitem(app.config, "EXPORT_IN_BACKGROUND", True)
    monkeypatch.setattr(exports, "RENDER_BATCH", 1)
    for coordinator in (sheets["coordinator"], make_user("coordinator", username="coord.two")):
        login(client, coordinator)
        assert ask(client, sheets, hospitals=(), days_back=100, signed_only="y").status_code == 302
        client.post("/logout")
    assert run_next(queued) == "rendering"  # the first export's three batches queue behind the second's first job
    frozen_clock.shift(timedelta(minutes=5))
    assert sweep_exports.call_local() == 0
    assert run_next(queued) == "rendering"
    assert [run_next(queued) for _batch in range(3)] == [1, 1, 1]  # the first's zip now waits behind the second's batches
    frozen_clock.shift(timedelta(minutes=5))
    assert sweep_exports.call_local() == 0
    assert run_queued(queued) == [0, 0, 0, "done", "done"]  # the second's batches found every sheet stored
    jobs = db.session.scalars(select(ExportJob).order_by(ExportJob.id)).all()
    assert [(job.status, job.attempt, job.done) for job in jobs] == [("done", 1, 3), ("done", 1, 3)]
    login(client, sheets["coordinator"])
    assert len(renders) == 3 and all(len(zip_of(client, job).namelist()) == 3 for job in jobs)
