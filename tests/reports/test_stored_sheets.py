"""The signed sheet's PDF says when the mentee read and acknowledged it, with their reply (issue 22); the mentee opens
their own signed sheet as the PDF; and a signed sheet is rendered once, then served from the store until it changes,
rendered by the job queue as soon as it is signed (issue 23 item 4)."""

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.core.formatting import format_day
from blueprints.mentoring import services
from blueprints.mentoring.models import Feedback
from blueprints.reports import prerender, stored_sheets
from blueprints.reports.models import StoredSheet
from tests.conftest import run_queued
from tests.factories import login, make_user
from tests.mentoring.test_mentee_pages import sheet


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def amina(world):
    """Amina's account, her signed sheet of the earlier visit, her draft of the last one, and Grace's signed sheet."""
    account = make_user("mentee", mentee=world["mentee"], username="mentee.amina")
    signed = sheet(world, "earlier", "mentee")
    draft = sheet(world, "visit", "mentee", status="draft")
    other = sheet(world, "earlier", "mentee_2")
    db.session.commit()
    return {"account": account, "signed": signed, "draft": draft, "other": other}


def mentor_pdf(client, world) -> bytes:
    response = client.get(f"/visits/{world['earlier'].id}/feedback/{world['mentee'].id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response.data


def test_a_signed_sheet_renders_once_and_after_the_mentee_acknowledges_it_says_so_with_their_reply(client, world, amina, renders):
    login(client, world["mentor_user"])
    first = mentor_pdf(client, world)
    assert mentor_pdf(client, world) == first and len(renders) == 1  # the second download is the stored copy
    assert "Read and acknowledged" not in pdf_text(first)
    client.post("/logout")

    login(client, amina["account"])
    assert client.post(f"/me/feedback/{amina['signed'].id}", data={"reply": "I will plot every partograph"}).status_code == 302
    response = client.get(f"/me/feedback/{amina['signed'].id}.pdf")
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith('attachment; filename="feedback-amina-uwase-')
    text = pdf_text(response.data)
    assert f"Read and acknowledged on {format_day(today())}" in text and "I will plot every partograph" in text
    assert "Calm in emergencies" in text
    assert len(renders) == 2  # the acknowledgement changed the sheet: rendered anew
    assert client.get(f"/me/feedback/{amina['signed'].id}.pdf").data == response.data and len(renders) == 2
    assert db.session.scalar(select(func.count()).select_from(StoredSheet)) == 1  # the old copy replaced


def test_signing_off_again_a_template_change_or_another_language_renders_the_sheet_anew(client, world, amina, renders, monkeypatch):
    login(client, world["mentor_user"])
    mentor_pdf(client, world)
    feedback = db.session.get(Feedback, amina["signed"].id)
    services.reopen_feedback(feedback, "A rating was wrong")
    services.sign_feedback(feedback, feedback.version, world["coordinator"])
    db.session.commit()
    mentor_pdf(client, world)
    assert len(renders) == 2

    monkeypatch.setattr(stored_sheets, "template_version", lambda language: "changed")
    mentor_pdf(client, world)
    assert len(renders) == 3

    world["mentee"].preferred_language = "fr"
    db.session.commit()
    assert "Points forts" in pdf_text(mentor_pdf(client, world))
    mentor_pdf(client, world)
    assert len(renders) == 4
    assert set(db.session.scalars(select(StoredSheet.language))) == {"en", "fr"}


def test_a_mentee_opens_only_their_own_signed_sheets_pdf(client, world, amina, renders):
    login(client, amina["account"])
    for which in ("draft", "other"):
        assert client.get(f"/me/feedback/{amina[which].id}.pdf").status_code == 404
    page = client.get(f"/me/feedback/{amina['signed'].id}").get_data(as_text=True)
    assert f'href="/me/feedback/{amina["signed"].id}.pdf"' in page
    client.post("/logout")
    login(client, world["mentor_user"])
    assert client.get(f"/me/feedback/{amina['signed'].id}.pdf").status_code == 403
    assert renders == []


def test_a_draft_sheet_is_rendered_each_time_and_never_stored(client, world, amina, renders):
    login(client, world["mentor_user"])
    response = client.get(f"/visits/{world['visit'].id}/feedback/{world['mentee'].id}.pdf")
    assert response.status_code == 200 and "DRAFT" in pdf_text(response.data)
    assert db.session.scalar(select(func.count()).select_from(StoredSheet)) == 0


@pytest.fixture
def rendered_when_signed(app, monkeypatch):
    monkeypatch.setitem(app.config, "SHEETS_RENDER_WHEN_SIGNED", True)


def sign_off(client, world, feedback):
    """The mentor signs the sheet off through the feedback page, as at the bedside."""
    login(client, world["mentor_user"])
    response = client.post(f"/visits/{feedback.visit_id}/feedback/{feedback.mentee_id}/sign",
                           data={"version": feedback.version, "sign_confirmed": "y"})
    assert response.status_code == 302
    db.session.refresh(feedback)
    assert feedback.signed


def stored_versions() -> list[tuple]:
    return [tuple(row) for row in db.session.execute(select(StoredSheet.feedback_id, StoredSheet.language, StoredSheet.feedback_version))]


def test_signing_off_stores_the_sheet_in_the_mentees_language_with_no_download(client, world, amina, renders, queued,
                                                                               rendered_when_signed):
    world["mentee"].preferred_language = "fr"
    draft = amina["draft"]
    sign_off(client, world, draft)
    assert stored_versions() == [] and renders == []  # nothing rendered inside the request
    assert run_queued(queued) == [True]
    assert stored_versions() == [(draft.id, "fr", draft.version)] and len(renders) == 1
    first_download = mentor_pdf(client, world | {"earlier": world["visit"]})
    assert len(renders) == 1 and "Points forts" in pdf_text(first_download)  # served from the store


def test_a_sheet_reopened_before_its_job_runs_is_not_stored_and_its_next_sign_off_is(client, world, amina, renders, queued,
                                                                                     rendered_when_signed):
    draft = amina["draft"]
    sign_off(client, world, draft)
    services.reopen_feedback(draft, "A rating was wrong")
    db.session.commit()
    assert run_queued(queued) == [False]  # the job asked for the signed version: reopened since, skipped
    assert stored_versions() == [] and renders == []
    sign_off(client, world, draft)
    assert run_queued(queued) == [True]
    assert stored_versions() == [(draft.id, "en", draft.version)] and len(renders) == 1


def test_running_the_sign_off_job_twice_renders_the_sheet_once(client, world, amina, renders, queued, rendered_when_signed):
    draft = amina["draft"]
    sign_off(client, world, draft)
    prerender.render_signed_sheet(draft.id, draft.version)  # queued again (a retry, a sweep)
    assert run_queued(queued) == [True, False]
    assert len(renders) == 1 and stored_versions() == [(draft.id, "en", draft.version)]


def test_a_sign_off_stands_when_its_sheet_cannot_be_queued_for_rendering(client, world, amina, renders, monkeypatch,
                                                                        rendered_when_signed):
    def queue_down(*args):
        raise ConnectionError("the queue's storage is unreachable")

    monkeypatch.setattr(prerender, "render_signed_sheet", queue_down)
    sign_off(client, world, amina["draft"])
    assert stored_versions() == [] and renders == []
    mentor_pdf(client, world | {"earlier": world["visit"]})
    assert len(renders) == 1 and len(stored_versions()) == 1  # the first download renders and stores it, as before


def test_a_mentees_acknowledgement_renders_her_stored_sheet_again_on_the_queue_not_at_the_next_download(
        client, world, amina, renders, queued, rendered_when_signed):
    signed = amina["signed"]
    prerender.render_signed_sheet(signed.id, signed.version)  # stored when signed off
    assert run_queued(queued) == [True] and len(renders) == 1
    login(client, amina["account"])
    assert client.post(f"/me/feedback/{signed.id}", data={"reply": "I will plot every partograph"}).status_code == 302
    assert len(renders) == 1  # nothing rendered inside her request
    assert run_queued(queued) == [True] and len(renders) == 2
    db.session.refresh(signed)
    assert stored_versions() == [(signed.id, "en", signed.version)]
    text = pdf_text(client.get(f"/me/feedback/{signed.id}.pdf").data)
    assert f"Read and acknowledged on {format_day(today())}" in text and "I will plot every partograph" in text
    client.post("/logout")
    login(client, world["mentor_user"])
    mentor_pdf(client, world)
    assert len(renders) == 2  # her download and her mentor's are the copy the queue stored


def test_acknowledging_a_sheet_never_stored_queues_nothing_and_its_first_download_renders_it(
        client, world, amina, renders, queued, rendered_when_signed):
    login(client, amina["account"])
    assert client.post(f"/me/feedback/{amina['signed'].id}", data={"reply": ""}).status_code == 302
    assert run_queued(queued) == [] and renders == []  # no stale copy to replace (the demo's acknowledgements)
    client.get(f"/me/feedback/{amina['signed'].id}.pdf")
    assert len(renders) == 1 and len(stored_versions()) == 1
