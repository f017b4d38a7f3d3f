"""Each document speaks its own reader's language, whoever asks for it: every sheet in a bulk-export zip and the
CPD certificate in the mentee's preferred language, every notification in its recipient's. The tests read the
text of each zip member's PDF, the certificate's PDF and each recipient's notification row, on fixed dates."""

import io
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import gettext as _
from sqlalchemy import select

from blueprints.core.extensions import db
from blueprints.core.models import Notification
from blueprints.core.notify import notify
from blueprints.mentoring.models import Feedback, SkillRating
from blueprints.people.services.transfers import log_transfer
from blueprints.reports.exports import run_export
from blueprints.reports.models import ExportJob
from blueprints.visits.services import notify_overdue_hospitals
from tests.factories import assign, department, login, make_hospital, make_mentee, make_mentor, make_team, make_user
from tests.meaning import on_day, pdf_text
from tests.mentoring.conftest import midwife_skills
from tests.visits.conftest import make_visit

TODAY = date(2026, 3, 10)
VISIT_START = date(2026, 3, 2)

KINYARWANDA_SHEET = ("urupapuro rw'isuzuma rw'uwigishwa", "ubumenyi bwarebwe", "ibyo ashoboye neza", "2 wer. 2026")
FRENCH_SHEET = ("fiche de retour du mentoré", "compétences observées", "points forts", "2 mars 2026")
ENGLISH_SHEET = ("mentee feedback sheet", "skills observed", "strengths", "2 mar 2026")


@pytest.fixture
def nemba():
    """A held visit at Nemba with signed feedback for Amina (reads Kinyarwanda) and Grace (reads French); the
    coordinator and the mentor read English."""
    team = make_team("Team North")
    hospital = make_hospital("Nemba", team=team)
    mentor = make_mentor(team, "midwife", name="Mentor Alpha")
    visit = make_visit(hospital, team, VISIT_START, status="held")
    mentees = {}
    for key, name, language in (("amina", "Amina Uwase", "rw"), ("grace", "Grace Mukamana", "fr")):
        mentee = make_mentee(hospital, name=name)
        mentee.preferred_language = language
        assign(mentor, mentee, start=date(2025, 6, 2))
        db.session.add(Feedback(visit_id=visit.id, mentee_id=mentee.id, mentor_id=mentor.id, status="signed",
                                strengths=f"{name}: calm", cpd_hours=6, contact_type="on_site",
                                signed_at=datetime(2026, 3, 5, 9, tzinfo=UTC),
                                ratings=[SkillRating(skill_id=midwife_skills()[0].id, rating=3)]))
        mentees[key] = mentee
    db.session.flush()
    return {"team": team, "hospital": hospital, "mentor": mentor, "visit": visit, **mentees,
            "coordinator": make_user("coordinator", username="coord", language="en"),
            "mentor_user": make_user("mentor", mentor=mentor, username="mentor.alpha", language="en")}


def speaks(text: str, words: tuple[str, ...], others: tuple[tuple[str, ...], ...]) -> None:
    lowered = text.lower()  # the programme line is printed in capitals
    for word in words:
        assert word in lowered, word
    for other in others:
        for word in other[:3]:
            assert word not in lowered, word


# --- the bulk export ----------------------------------------------------------------------------

def test_each_sheet_in_the_bulk_export_zip_is_in_its_mentees_language(client, nemba):
    with on_day(TODAY):
        login(client, nemba["coordinator"])
        response = client.post("/reports/exports", data={"date_from": "2026-03-01", "date_to": "2026-03-10",
                                                         "hospital_ids": [str(nemba["hospital"].id)]})
        assert response.status_code == 302
        [job] = db.session.scalars(select(ExportJob)).all()
        assert run_export(job.id) == "done"
        download = client.get(f"/reports/exports/{job.id}/download")
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    assert sorted(archive.namelist()) == ["nemba/2026-03-02/amina-uwase.pdf", "nemba/2026-03-02/grace-mukamana.pdf"]
    amina = pdf_text(archive.read("nemba/2026-03-02/amina-uwase.pdf"))
    grace = pdf_text(archive.read("nemba/2026-03-02/grace-mukamana.pdf"))
    assert "Amina Uwase: calm" in amina and "Grace Mukamana: calm" in grace
    speaks(amina, KINYARWANDA_SHEET, (FRENCH_SHEET, ENGLISH_SHEET))
    speaks(grace, FRENCH_SHEET, (KINYARWANDA_SHEET, ENGLISH_SHEET))


# --- the CPD certificate --------------------------------------------------------------------------

@pytest.mark.parametrize("reader_language", ["en", "fr"])
def test_the_cpd_certificate_is_in_the_mentees_language_whatever_the_readers(client, nemba, reader_language):
    nemba["mentor_user"].language = reader_language
    with on_day(TODAY):
        login(client, nemba["mentor_user"])
        amina = client.get(f"/mentees/{nemba['amina'].id}/cpd/2026.pdf")
        grace = client.get(f"/mentees/{nemba['grace'].id}/cpd/2026.pdf")
    assert amina.status_code == grace.status_code == 200
    amina_text, grace_text = pdf_text(amina.data), pdf_text(grace.data)
    assert "Icyemezo cy'amahugurwa (CPD) 2026" in amina_text
    assert "Amasaha y'amahugurwa (CPD) yose hamwe mu mwaka wa 2026: 6" in amina_text
    assert "Attestation de DPC 2026" in grace_text and "Total des heures de DPC en 2026: 6" in grace_text
    for text in (amina_text, grace_text):
        assert "CPD certificate 2026" not in text and "Total CPD hours in 2026" not in text
    assert "Attestation de DPC" not in amina_text and "Icyemezo" not in grace_text


# --- notifications ----------------------------------------------------------------------------------

def messages_of(user) -> list[str]:
    return db.session.scalars(select(Notification.message).where(Notification.user_id == user.id).order_by(Notification.id)).all()


def test_one_notification_reaches_each_recipient_in_their_own_language(app):
    french, kinyarwanda, browser = (make_user("mentor", language="fr"), make_user("mentor", language="rw"),
                                    make_user("mentor", language=None))
    notify([french, kinyarwanda, browser], lambda: _("Maternity"))
    assert (messages_of(french), messages_of(kinyarwanda), messages_of(browser)) == (
        ["Maternité"], ["Serivisi y'ababyeyi"], ["Maternity"])


def test_a_transfer_tells_the_french_mentor_in_french_and_the_kinyarwanda_administrator_in_kinyarwanda(nemba):
    byumba = make_hospital("Byumba", team=nemba["team"])
    nemba["mentor_user"].language = "fr"
    receiver = make_user("hospital_admin", hospital=byumba, username="admin.byumba", language="rw")
    log_transfer(nemba["amina"], kind="hospital", to_hospital=byumba, to_department=department("maternity"),
                 effective_date=date(2026, 3, 20),
                 by=nemba["coordinator"], today=TODAY)
    assert messages_of(nemba["mentor_user"]) == [
        "Amina Uwase passe de Nemba (Maternité) à Byumba (Maternité) le 20 mars 2026. "
        "Votre mentorat prend fin à cette date ; le dossier de ce qui a été appris reste avec le mentoré."]
    assert messages_of(receiver) == [
        "Uwigishwa uje: Amina Uwase yimuwe kuva kuri Nemba (Serivisi y'ababyeyi) ajya kuri Byumba (Serivisi y'ababyeyi) ku wa 20 wer. 2026."]


def test_the_overdue_alert_reaches_each_coordinator_in_their_language(nemba):
    french, kinyarwanda = make_user("coordinator", language="fr"), make_user("coordinator", language="rw")
    ruli = make_hospital("Ruli", team=nemba["team"])
    make_visit(ruli, nemba["team"], TODAY - timedelta(days=93), status="held")  # ended 91 days before TODAY
    assert notify_overdue_hospitals(TODAY) == 1
    assert messages_of(nemba["coordinator"]) == ["Ruli is overdue: its last visit ended 91 days ago (9 Dec 2025)."]
    assert messages_of(french) == ["Ruli est en retard : sa dernière visite s'est terminée il y a 91 jours (9 déc. 2025)."]
    assert messages_of(kinyarwanda) == ["Ruli byarengeje igihe: uruzinduko ruheruka rwarangiye hashize iminsi 91 (9 uku. 2025)."]
