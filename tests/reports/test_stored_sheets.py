"""The signed sheet's PDF says when the mentee read and acknowledged it, with their reply (issue 22); the mentee opens
their own signed sheet as the PDF; and a signed sheet is rendered once, then served from the store until it changes
(issue 23 item 4)."""

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.core.formatting import format_day
from blueprints.mentoring import services
from blueprints.mentoring.models import Feedback
from blueprints.reports import stored_sheets
from blueprints.reports.models import StoredSheet
from tests.factories import login, make_user
from tests.mentoring.test_mentee_pages import sheet


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def renders(monkeypatch):
    """Each rendering of a stored sheet's PDF, counted."""
    counted = []
    real = stored_sheets.render_pdf

    def counting(html, **options):
        counted.append(1)
        return real(html, **options)

    monkeypatch.setattr(stored_sheets, "render_pdf", counting)
    return counted


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
