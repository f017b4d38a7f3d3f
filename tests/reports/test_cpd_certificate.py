"""The CPD certificate: a mentee's signed-off visits in one year with their CPD hours, for the council logbook;
the same access rules as the feedback sheets, never cached, a safe file name, linked from the mentee's record."""

from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import delete

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.core.formatting import format_day
from blueprints.mentoring.models import ContactSession, Feedback, SkillRating
from blueprints.people.models import Mentee
from blueprints.reports.cpd import cpd_certificate, cpd_certificate_html, cpd_certificate_pdf
from blueprints.visits.models import Visit
from tests.factories import login
from tests.mentoring.conftest import midwife_skills
from tests.reports.test_feedback_pdf import pdf_text


def signed(world, visit, mentee="mentee", hours=6.0, status="signed", contact="on_site") -> Feedback:
    feedback = Feedback(visit_id=world[visit].id if isinstance(visit, str) else visit.id, mentee_id=world[mentee].id,
                        mentor_id=world["mentor"].id if mentee != "mentee_k" else world["other_mentor"].id,
                        status=status, cpd_hours=hours, contact_type=contact,
                        ratings=[SkillRating(skill_id=midwife_skills()[0].id, rating=3)])
    db.session.add(feedback)
    db.session.flush()
    return feedback


def year_of(world) -> int:
    return world["visit"].start_date.year


def cpd_url(world, mentee="mentee", year=None) -> str:
    return f"/mentees/{world[mentee].id}/cpd/{year or year_of(world)}.pdf"


def test_the_certificate_lists_the_years_signed_off_visits_with_hours_and_totals(client, world):
    signed(world, "visit", hours=6)
    same_year = world["earlier"].start_date.year == year_of(world)
    signed(world, "earlier", hours=4.5, contact="phone")
    two_years_before = date(year_of(world) - 2, 7, 1)
    other_year = Visit(hospital=world["nemba"], team=world["team"], start_date=two_years_before,
                       end_date=two_years_before + timedelta(days=2), days=3, status="held")
    db.session.add(other_year)
    db.session.flush()
    signed(world, other_year, hours=99)
    draft = Visit(hospital=world["nemba"], team=world["team"], start_date=world["visit"].start_date - timedelta(days=3),
                  end_date=world["visit"].start_date - timedelta(days=1), days=3, status="held")
    db.session.add(draft)
    db.session.flush()
    if draft.start_date.year == year_of(world):
        signed(world, draft, hours=50, status="draft")
    db.session.commit()
    login(client, world["mentor_user"])
    response = client.get(cpd_url(world))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Amina Uwase" in text and "Midwife" in text and "Nemba" in text and "Mentor Alpha" in text
    assert "On site" in text and "Clinical mentorship programme" in text
    total, visits = (10.5, 2) if same_year else (6, 1)
    assert f"Total CPD hours in {year_of(world)}: {total:g}" in text and f"Visits: {visits}" in text
    assert "99" not in text and "50" not in text  # another year's visit, a draft
    assert "Programme coordinator: name, signature and" in text
    assert f"Generated {format_day(today())} · Page 1 of 1" in text


def test_the_certificate_is_never_cached_and_has_a_safe_attachment_name(client, world):
    world["mentee"].full_name = 'Amina "Uwase"/../x\\y'
    signed(world, "visit")
    db.session.commit()
    login(client, world["coordinator"])
    response = client.get(cpd_url(world))
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == f'attachment; filename="cpd-amina-uwase-x-y-{year_of(world)}.pdf"'


def test_a_year_without_signed_off_visits_has_no_certificate(client, world):
    signed(world, "visit", status="draft")
    db.session.commit()
    login(client, world["coordinator"])
    assert client.get(cpd_url(world)).status_code == 404
    assert client.get(cpd_url(world, year=1999)).status_code == 404
    assert client.get(cpd_url(world, year=year_of(world) + 1)).status_code == 404


@pytest.mark.parametrize(("who", "mentee", "allowed"), [
    ("coordinator", "mentee", True), ("coordinator", "mentee_k", True),
    ("mentor_user", "mentee", True), ("mentor_user", "mentee_k", False),
    ("colleague_user", "mentee", False),  # same team, not her mentor
    ("nemba_admin", "mentee", True), ("nemba_admin", "mentee_k", False), ("kabgayi_admin", "mentee", False),
    ("other_mentor_user", "mentee", False),
])
def test_the_certificate_follows_the_feedback_sheets_access_rules(client, world, who, mentee, allowed):
    signed(world, "visit")
    signed(world, "visit_k", mentee="mentee_k")
    db.session.commit()
    login(client, world[who])
    response = client.get(cpd_url(world, mentee=mentee))
    assert response.status_code == (200 if allowed else 404)
    if not allowed:
        assert b"Amina" not in response.data and b"Kabgayi Mentee" not in response.data


def test_the_mentee_record_links_each_cpd_year_to_its_certificate(client, world):
    signed(world, "visit")
    db.session.commit()
    login(client, world["mentor_user"])
    page = client.get(f"/mentees/{world['mentee'].id}/mentoring")
    assert cpd_url(world) in page.text
    login(client, world["colleague_user"])
    page = client.get(f"/mentees/{world['mentee'].id}/mentoring")
    assert cpd_url(world) not in page.text


def test_the_certificate_renders_from_the_mentee_and_year_in_the_current_locale(app, world):
    """The languages work wraps cpd_certificate_pdf(mentee, year) in the mentee's language."""
    signed(world, "visit", hours=3)
    db.session.commit()
    mentee = db.session.get(Mentee, world["mentee"].id)
    assert cpd_certificate(mentee, year_of(world)).total_hours == 3
    with app.test_request_context(), force_locale("fr"):
        data = cpd_certificate_pdf(db.session.get(Mentee, world["mentee"].id), year_of(world))
    assert "Amina Uwase" in pdf_text(data)
    assert cpd_certificate_pdf(db.session.get(Mentee, world["mentee"].id), 2001) is None


def _statement(world, language: str) -> str:
    mentee = db.session.get(Mentee, world["mentee"].id)
    with force_locale(language):
        html = cpd_certificate_html(cpd_certificate(mentee, year_of(world)))
    return html.split('<p class="statement">', 1)[1].split("</p>", 1)[0]


def _contact_session(world, day: date) -> None:
    db.session.add(ContactSession(mentee_id=world["mentee"].id, mentor_id=world["mentor"].id, held_on=day, mode="phone",
                                  minutes=60, topic="Partograph questions"))
    db.session.flush()


def test_the_certificates_sentence_names_the_visits_and_the_contact_sessions_it_lists(app, world):
    """Visits only, contact sessions only, both: the sentence says what the logbook lists, in every language."""
    said = {}
    with app.test_request_context():
        _contact_session(world, date(year_of(world), 1, 15))
        said["contacts"] = {language: _statement(world, language) for language in ("en", "fr", "rw")}
        signed(world, "visit")
        said["both"] = {language: _statement(world, language) for language in ("en", "fr", "rw")}
        db.session.execute(delete(ContactSession))
        said["visits"] = {language: _statement(world, language) for language in ("en", "fr", "rw")}
    assert "contact sessions" in said["contacts"]["en"] and "visit" not in said["contacts"]["en"]
    assert "visits" in said["both"]["en"] and "contact sessions" in said["both"]["en"]
    assert "visits" in said["visits"]["en"] and "contact" not in said["visits"]["en"]
    assert "séances de contact" in said["contacts"]["fr"] and "visite" not in said["contacts"]["fr"]
    assert "visites" in said["both"]["fr"] and "séances de contact" in said["both"]["fr"]
    for language in ("fr", "rw"):  # each case translated, and the three differ
        assert len({said[case][language] for case in said}) == 3
        assert all(said[case][language] != said[case]["en"] for case in said)
