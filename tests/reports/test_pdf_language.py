"""Each mentee's feedback sheet is printed in the mentee's preferred language, whatever the reader's own (issue 11)."""

import subprocess

from flask_babel import gettext
from sqlalchemy import select

from blueprints.core.extensions import db
from blueprints.core.formatting import format_day
from blueprints.core.i18n import in_language
from blueprints.mentoring.framework import rating_scale
from blueprints.mentoring.models import Feedback
from tests.factories import login
from tests.mentoring.conftest import form_data, midwife_skills, url
from tests.reports.test_feedback_pdf import pdf_text


def signed_feedback(client, world, mentee="mentee", **extra):
    login(client, world["mentor_user"])
    assert client.post(url(world, mentee=mentee), data=form_data(world, **extra)).status_code == 302
    feedback = db.session.scalar(select(Feedback).where(Feedback.visit_id == world["visit"].id, Feedback.mentee_id == world[mentee].id))
    assert client.post(url(world, mentee=mentee, suffix="/sign"), data={"version": feedback.version, "sign_confirmed": "y"}).status_code == 302
    return feedback


def french_mentor_and_kinyarwanda_mentee(world):
    world["mentor_user"].language = "fr"
    world["mentee"].preferred_language = "rw"
    db.session.flush()


def test_a_kinyarwanda_mentees_sheet_is_in_kinyarwanda_while_the_mentors_pages_are_french(client, world):
    french_mentor_and_kinyarwanda_mentee(world)
    skills = midwife_skills()
    signed_feedback(client, world, **{f"rating-{skills[2].id}": "", f"comment-{skills[2].id}": "Not seen"})
    assert '<html lang="fr">' in client.get(url(world)).get_data(as_text=True)  # the mentor reads French
    text = pdf_text(client.get(url(world, suffix=".pdf")).data).lower()  # the programme line is in capitals
    for kinyarwanda in ("Urupapuro rw'isuzuma rw'uwigishwa", "Ubumenyi bwarebwe", "Ibyo ashoboye neza", "Urupapuro 1 kuri",
                        "ntibyagaragaye"):  # "not observed"
        assert kinyarwanda.lower() in text, kinyarwanda
    assert "partogramme" in text and "kubyara bisanzwe" in text  # the skills by their Kinyarwanda names
    for english_or_french in ("Mentee feedback sheet", "Skills observed", "Strengths", "not observed", "Fiche de retour",
                              "Points forts", "non observé", "Page 1 of"):
        assert english_or_french.lower() not in text, english_or_french


def test_the_sheets_dates_are_written_in_the_mentees_language(client, world):
    french_mentor_and_kinyarwanda_mentee(world)
    feedback = signed_feedback(client, world)
    text = pdf_text(client.get(url(world, suffix=".pdf")).data)
    with in_language("rw"):
        kinyarwanda = format_day(feedback.visit.start_date)
    with in_language("fr"):
        french = format_day(feedback.visit.start_date)
    assert kinyarwanda in text and french not in text


def test_a_kinyarwanda_mentees_sheet_has_the_rating_words_in_kinyarwanda(client, world):
    """Needs rating_scale() to answer in the current locale (the rating-scale change, merged separately)."""
    french_mentor_and_kinyarwanda_mentee(world)
    signed_feedback(client, world)
    with in_language("rw"):
        word = rating_scale()[3]
    with in_language("en"):
        english = rating_scale()[3]
    text = pdf_text(client.get(url(world, suffix=".pdf")).data)
    assert word != english, "the rating scale has no Kinyarwanda words yet"
    assert f"3 · {word}" in text and english not in text


def test_the_visits_pdf_prints_each_sheet_in_its_own_mentees_language(client, world):
    world["mentee"].preferred_language = "rw"
    world["mentee_2"].preferred_language = "fr"
    db.session.flush()
    signed_feedback(client, world)
    signed_feedback(client, world, mentee="mentee_2")
    text = pdf_text(client.get(f"/visits/{world['visit'].id}/feedback.pdf").data)
    amina, grace = text.index("Amina Uwase"), text.index("Grace Mukamana")
    kinyarwanda_part, french_part = (text[amina:grace], text[grace:]) if amina < grace else (text[amina:], text[grace:amina])
    assert "Ubumenyi bwarebwe" in kinyarwanda_part and "Compétences observées" not in kinyarwanda_part
    assert "Compétences observées" in french_part and "Ubumenyi bwarebwe" not in french_part


def test_the_visits_pdf_numbers_its_pages_once_across_languages(client, world, tmp_path):
    """Page N of M counts every page of the visit's PDF, in each page's own language: a Kinyarwanda sheet after a French
    one is page 2 of 2, not a new page 1 of 1 (read back page by page with poppler's pdftotext)."""
    world["mentee"].preferred_language = "fr"
    world["mentee_2"].preferred_language = "rw"
    db.session.flush()
    signed_feedback(client, world)
    signed_feedback(client, world, mentee="mentee_2")
    (tmp_path / "visit.pdf").write_bytes(client.get(f"/visits/{world['visit'].id}/feedback.pdf").data)
    text = subprocess.run(["pdftotext", str(tmp_path / "visit.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")[:-1]  # pdftotext ends every page with a form feed
    assert len(pages) == 2
    for number, page in enumerate(pages, 1):
        language = "fr" if "Amina Uwase" in page else "rw"
        with in_language(language):
            footer = gettext("Page %(page)s of %(pages)s", page=number, pages=2)
        assert footer in " ".join(page.split()), (number, language, page[-200:])


def test_an_english_mentees_sheet_stays_english_for_a_french_mentor(client, world):
    world["mentor_user"].language = "fr"
    db.session.flush()
    signed_feedback(client, world)
    text = pdf_text(client.get(url(world, suffix=".pdf")).data)
    assert "Skills observed" in text and "Page 1 of" in text and "Compétences observées" not in text
