"""The feedback sheet PDF and the visit's PDF: what they hold, who may fetch them, and that nothing typed
by a user makes WeasyPrint read a file or call a host."""

import io
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from blueprints.core.clock import today
from blueprints.core.downloads import safe_name
from blueprints.core.extensions import db
from blueprints.core.formatting import format_day
from blueprints.mentoring.models import ActionItem, Feedback, SkillRating
from blueprints.reports.pdf import StaticOnlyFetcher, render_pdf
from tests.conftest import count_queries
from tests.factories import login
from tests.mentoring.conftest import form_data, midwife_skills, url

MARKER = "Zzmarker Otherhospital"


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def signed_feedback_with_history(client, world):
    """An earlier visit's signed feedback with an action item, then this visit's feedback following it up, signed."""
    skills = midwife_skills()
    earlier = Feedback(visit_id=world["earlier"].id, mentee_id=world["mentee"].id, mentor_id=world["mentor"].id, status="signed",
                       ratings=[SkillRating(skill_id=skills[0].id, rating=2)])
    db.session.add(earlier)
    db.session.flush()
    item = ActionItem(feedback_id=earlier.id, mentee_id=world["mentee"].id, text="Read the PPH protocol", due_date=today())
    db.session.add(item)
    db.session.flush()
    login(client, world["mentor_user"])
    assert client.post(url(world), data=form_data(world, **{f"followup-{item.id}": "done"})).status_code == 302
    feedback = db.session.scalar(select(Feedback).where(Feedback.visit_id == world["visit"].id, Feedback.mentee_id == world["mentee"].id))
    assert client.post(url(world, suffix="/sign"), data={"version": feedback.version, "sign_confirmed": "y"}).status_code == 302
    return feedback


def test_done_when_a_mentor_signs_off_and_the_pdf_holds_name_ratings_action_item_and_follow_up(client, world):
    signed_feedback_with_history(client, world)
    response = client.get(url(world, suffix=".pdf"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Amina Uwase" in text and "Mentor Alpha" in text and "Nemba" in text
    assert "3 · needs some help — up 1" in text  # rated 2 last visit, 3 now
    assert "Plot ten partographs" in text
    assert "Read the PPH protocol" in text and "done" in text
    assert "Page 1 of" in text and f"Generated {format_day(today())}" in text and "DRAFT" not in text


def test_pdf_is_never_cached_and_has_a_safe_attachment_name(client, world):
    world["mentee"].full_name = 'Amina "Uwase"/../x'
    signed_feedback_with_history(client, world)
    response = client.get(url(world, suffix=".pdf"))
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="feedback-amina-uwase-x-') and disposition.endswith('.pdf"')
    assert safe_name("../../etc/passwd\r\nX: y") == "etc-passwd-x-y"


def test_a_draft_sheet_carries_a_draft_watermark(client, world):
    login(client, world["mentor_user"])
    client.post(url(world), data=form_data(world))
    assert "DRAFT" in pdf_text(client.get(url(world, suffix=".pdf")).data)


def test_the_visit_pdf_holds_every_mentees_sheet(client, world):
    login(client, world["mentor_user"])
    client.post(url(world), data=form_data(world))
    client.post(url(world, mentee="mentee_2"), data=form_data(world, strengths="Second mentee strengths"))
    response = client.get(f"/visits/{world['visit'].id}/feedback.pdf")
    text = pdf_text(response.data)
    assert "Amina Uwase" in text and "Grace Mukamana" in text and "Second mentee strengths" in text
    login(client, world["nemba_admin"])
    assert "Grace Mukamana" in pdf_text(client.get(f"/visits/{world['visit'].id}/feedback.pdf").data)


def _other_hospitals_feedback(world) -> Feedback:
    skill = midwife_skills()[0]
    feedback = Feedback(visit_id=world["visit_k"].id, mentee_id=world["mentee_k"].id, mentor_id=world["other_mentor"].id,
                        strengths=f"{MARKER} strengths", ratings=[SkillRating(skill_id=skill.id, rating=3, comment=MARKER)])
    db.session.add(feedback)
    return feedback


@pytest.mark.parametrize("who", ["nemba_admin", "mentor_user", "colleague_user"])
def test_another_hospitals_or_mentors_data_never_appears_in_a_pdf_they_can_reach(client, world, who):
    _other_hospitals_feedback(world)
    login(client, world["mentor_user"])
    client.post(url(world), data=form_data(world))
    login(client, world[who])
    paths = [url(world, visit="visit_k", mentee="mentee_k", suffix=".pdf"), f"/visits/{world['visit_k'].id}/feedback.pdf",
             url(world, mentee="mentee_k", suffix=".pdf"), url(world, visit="visit_k", suffix=".pdf")]
    for path in paths:
        response = client.get(path)
        assert response.status_code in (403, 404), path
        assert MARKER.encode() not in response.data
    for path in (url(world, suffix=".pdf"), f"/visits/{world['visit'].id}/feedback.pdf"):
        response = client.get(path)
        if response.status_code == 200:
            assert MARKER not in pdf_text(response.data)
    if who == "colleague_user":  # same team, not Amina's mentor
        assert client.get(url(world, suffix=".pdf")).status_code == 404


def test_user_text_is_escaped_and_no_url_in_it_is_fetched(client, world):
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        evil = (f'<img src="http://127.0.0.1:{port}/img"><img src="file:///etc/hostname">'
                f'<link rel="stylesheet" href="http://127.0.0.1:{port}/css">')
        login(client, world["mentor_user"])
        client.post(url(world), data=form_data(world, strengths=evil, mentee_comment="file:///etc/passwd"))
        text = pdf_text(client.get(url(world, suffix=".pdf")).data)
        assert "<img src=" in text  # shown as the text that was typed, not as markup
        assert hits == []
        # and even raw HTML given to the renderer fetches nothing outside static/
        render_pdf(f'<p>x</p><img src="http://127.0.0.1:{port}/raw"><img src="file:///etc/passwd">'
                   f'<style>@import url("http://127.0.0.1:{port}/import");</style>')
        assert hits == []
    finally:
        server.shutdown()


@pytest.mark.no_db
def test_the_fetcher_serves_static_and_data_urls_and_refuses_everything_else():
    fetcher = StaticOnlyFetcher()
    from blueprints.reports.pdf import BASE_URL

    assert fetcher.fetch(BASE_URL + "img/favicon.svg") is not None
    assert fetcher.fetch("data:text/plain,hello") is not None
    for url_ in ("file:///etc/passwd", BASE_URL + "../app.py", "http://127.0.0.1:1/", "https://example.org/x.png",
                 "ftp://127.0.0.1/x", "file://otherhost" + BASE_URL[7:] + "img/favicon.svg"):
        with pytest.raises(ValueError):
            fetcher.fetch(url_)


def test_a_sheet_shows_progress_across_visits_as_an_inline_chart(client, world):
    signed_feedback_with_history(client, world)
    from blueprints.reports.sheets import chart_points, sheet_for

    feedback = db.session.scalar(select(Feedback).where(Feedback.visit_id == world["visit"].id))
    sheet = sheet_for(feedback, world["visit"])
    assert [round(v, 1) for _, v in sheet.chart] == [2.0, 3.5]
    points = chart_points(sheet.chart)
    assert points[1]["y"] < points[0]["y"]  # higher rating, higher on the chart
    assert sheet.visit_start == today() - timedelta(days=10)


def _feedback_with_history(world, mentee, mentor, skills) -> None:
    """An earlier visit's signed feedback with an action item, and this visit's feedback following it up."""
    earlier = Feedback(visit_id=world["earlier"].id, mentee_id=mentee.id, mentor_id=mentor.id, status="signed",
                       ratings=[SkillRating(skill_id=s.id, rating=2) for s in skills[:4]])
    db.session.add(earlier)
    db.session.flush()
    item = ActionItem(feedback_id=earlier.id, mentee_id=mentee.id, text="Earlier item", due_date=today())
    db.session.add(item)
    now = Feedback(visit_id=world["visit"].id, mentee_id=mentee.id, mentor_id=mentor.id, strengths="Good",
                   ratings=[SkillRating(skill_id=s.id, rating=3, comment="ok") for s in skills[:4]])
    now.action_items = [ActionItem(mentee_id=mentee.id, text="Next item", due_date=today())]
    db.session.add(now)
    db.session.flush()
    item.followup, item.followed_up_in_id = "done", now.id


def test_the_visit_pdf_reads_every_mentees_data_in_a_constant_number_of_queries(client, world, monkeypatch):
    from tests.factories import assign, make_mentee

    monkeypatch.setattr("blueprints.reports.routes.render_pdf", lambda html, **_: b"%PDF-1.7")
    skills = midwife_skills()
    _feedback_with_history(world, world["mentee"], world["mentor"], skills)
    db.session.commit()
    login(client, world["coordinator"])
    path = f"/visits/{world['visit'].id}/feedback.pdf"
    with count_queries() as one:
        assert client.get(path).status_code == 200
    for n in range(6):
        mentee = make_mentee(world["nemba"], name=f"Extra Mentee {n}")
        assign(world["mentor"], mentee, start=today() - timedelta(days=400))
        _feedback_with_history(world, mentee, world["mentor"], skills)
    db.session.commit()
    with count_queries() as seven:
        assert client.get(path).status_code == 200
    print("visit PDF queries", len(one), len(seven))
    assert len(seven) == len(one) <= 12


@pytest.mark.no_db
def test_every_pdf_is_rendered_one_way_through_the_static_only_fetcher():
    """Only blueprints/reports/pdf.py talks to WeasyPrint; the equipment report renders through it too."""
    from pathlib import Path

    import blueprints.equipment.routes.report as equipment_routes
    import blueprints.reports.pdf as pdf

    assert equipment_routes.render_pdf is pdf.render_pdf
    root = Path(pdf.__file__).resolve().parents[1]
    users = sorted(str(p.relative_to(root)) for p in root.rglob("*.py") if "weasyprint" in p.read_text())
    assert users == ["reports/pdf.py"]


@pytest.mark.no_db
def test_a_full_sheet_fits_one_a4_page(app):
    """Twenty ratings (the national frameworks' size), a comment, a year of visits on the chart, two action items and
    three follow-ups: still one sheet of paper, with the signatures on it."""
    from blueprints.reports.sheets import Sheet, sheets_html

    with app.test_request_context():
        day = today()
        sheet = Sheet(
            mentee="Amina Uwase", profession="Midwife", hospital="Nemba", department="Maternity", mentor="Mentor Alpha",
            visit_start=day, visit_end=day + timedelta(days=2), signed=True, signed_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC), contact="On site",
            methods=["Bedside teaching", "Simulation"],
            ratings=[{"skill": f"Postpartum haemorrhage: recognition and first response, step {n}", "rating": 3,
                      "label": "needs some help", "before": 2, "change": 1, "comment": "Checks the fundus." if n == 1 else ""}
                     for n in range(20)],
            strengths="Calm in emergencies.", areas_to_improve="Partograph plotting.",
            actions=[("Plot ten partographs", day + timedelta(days=30)), ("Lead a PPH drill", day + timedelta(days=45))],
            followups=[(f"Earlier action item {n}", day - timedelta(days=30), "done") for n in range(3)],
            mentee_comment="Thank you.", cpd_hours=6, next_visit=day + timedelta(days=60),
            chart=[(day - timedelta(days=60 * n), 2 + n / 10) for n in range(6, -1, -1)],
        )
        data = render_pdf(sheets_html([sheet]))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    assert "Signature and date" in reader.pages[0].extract_text()
