"""A skills framework for every profession (issue 25, item 2): general practitioners, nurses and anaesthesia
technicians have their own, each mentee is rated on their own profession's, and a pairing across professions says
which framework is used, on the form and on the sheet."""

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.defaults import seed_defaults
from blueprints.mentoring.models import Feedback, Skill, SkillRating
from blueprints.people.models import Profession
from tests.factories import assign, login, make_hospital, make_mentee, make_mentor, make_team, make_user
from tests.visits.conftest import held_visit


def framework(code: str) -> list[Skill]:
    return list(db.session.scalars(select(Skill).join(Profession).where(Profession.code == code).order_by(Skill.position)))


@pytest.fixture
def crossed():
    """A GP in neonatology mentored by a paediatrician, and a midwife by a midwife, at one held visit."""
    team = make_team("Team North")
    nemba = make_hospital("Nemba", team=team)
    paediatrician = make_mentor(team, "paediatrician", name="Mentor Paed")
    midwife_mentor = make_mentor(team, "midwife", name="Mentor Midwife")
    gp = make_mentee(nemba, "general_practitioner", "neonatology", name="Gaspard Ndayisaba")
    midwife = make_mentee(nemba, "midwife", name="Amina Uwase")
    assign(paediatrician, gp, start=today() - timedelta(days=300))
    assign(midwife_mentor, midwife, start=today() - timedelta(days=300))
    visit = held_visit(nemba, team, today() - timedelta(days=10), mentors=[paediatrician, midwife_mentor])
    return {"visit": visit, "gp": gp, "midwife": midwife,
            "paed_user": make_user("mentor", mentor=paediatrician, username="mentor.paed"),
            "midwife_user": make_user("mentor", mentor=midwife_mentor, username="mentor.midwife")}


def test_every_profession_the_programme_has_gets_a_framework_of_its_own():
    seed_defaults()
    for code in db.session.scalars(select(Profession.code)):
        assert framework(code), code
    gp = {s.name for s in framework("general_practitioner")}
    assert "Caesarean section: indications and technique" not in gp
    assert {"Neonatal resuscitation", "Infection prevention"} <= gp
    areas = {s.area for s in framework("general_practitioner") + framework("nurse") + framework("anaesthesia_technician")}
    assert {"Emergency obstetric and newborn care", "Resuscitation at birth", "Triage", "Infection control"} <= areas
    assert "Pre-anaesthetic check" in {s.name for s in framework("anaesthesia_technician")}


def test_the_new_frameworks_names_are_translated():
    seed_defaults()
    for code in ("general_practitioner", "nurse", "anaesthesia_technician"):
        skills = framework(code)
        assert skills, code
        for skill in skills:
            assert (skill.name_translations or {}).get("fr") and skill.name_translations.get("rw"), skill.name


def test_a_gp_mentee_with_a_paediatrician_mentor_is_rated_on_the_gp_framework(client, crossed):
    login(client, crossed["paed_user"])
    url = f"/visits/{crossed['visit'].id}/feedback/{crossed['gp'].id}"
    page = client.get(url).get_data(as_text=True)
    assert "Neonatal resuscitation" in page and "Sepsis recognition and referral" in page
    assert "Caesarean section" not in page and "Advanced neonatal resuscitation" not in page
    gp_skill, caesarean = framework("general_practitioner")[0], framework("obgyn")[0]
    response = client.post(url, data={"contact_type": "on_site", "version": "", f"rating-{gp_skill.id}": "3",
                                      f"rating-{caesarean.id}": "2"})
    assert response.status_code == 302
    feedback = db.session.scalar(select(Feedback).where(Feedback.mentee_id == crossed["gp"].id))
    assert {r.skill_id: r.rating for r in feedback.ratings} == {gp_skill.id: 3}


def test_a_pairing_across_professions_says_which_framework_the_form_uses(client, crossed):
    login(client, crossed["paed_user"])
    page = client.get(f"/visits/{crossed['visit'].id}/feedback/{crossed['gp'].id}").get_data(as_text=True)
    assert "Rated on the General practitioner framework (the mentee's profession; mentor: Paediatrician)" in page
    client.post("/logout")
    login(client, crossed["midwife_user"])
    page = client.get(f"/visits/{crossed['visit'].id}/feedback/{crossed['midwife'].id}").get_data(as_text=True)
    assert "framework (the mentee's profession" not in page


def _sheet_text(client, visit, mentee) -> str:
    response = client.get(f"/visits/{visit.id}/feedback/{mentee.id}.pdf")
    assert response.status_code == 200
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.data)).pages)


def test_the_sheet_of_a_pairing_across_professions_names_the_framework(client, crossed):
    gp_skill = framework("general_practitioner")[0]
    for mentee, user in ((crossed["gp"], crossed["paed_user"]), (crossed["midwife"], crossed["midwife_user"])):
        login(client, user)
        skill = gp_skill if mentee is crossed["gp"] else framework("midwife")[0]
        client.post(f"/visits/{crossed['visit'].id}/feedback/{mentee.id}",
                    data={"contact_type": "on_site", "version": "", f"rating-{skill.id}": "3"})
        client.post("/logout")
    login(client, make_user("coordinator", username="coord"))
    assert "Skills framework: General practitioner (mentor: Paediatrician)" in _sheet_text(client, crossed["visit"], crossed["gp"])
    assert "Skills framework" not in _sheet_text(client, crossed["visit"], crossed["midwife"])


def test_ratings_a_draft_gave_on_another_framework_stay_on_its_form(client, crossed):
    """Feedback written before the GP framework existed keeps the skills it rated: nothing typed is lost."""
    seed_defaults()
    caesarean = framework("obgyn")[0]
    feedback = Feedback(visit_id=crossed["visit"].id, mentee_id=crossed["gp"].id,
                        mentor_id=crossed["paed_user"].mentor_id)
    feedback.ratings.append(SkillRating(skill_id=caesarean.id, rating=2))
    db.session.add(feedback)
    db.session.flush()
    login(client, crossed["paed_user"])
    page = client.get(f"/visits/{crossed['visit'].id}/feedback/{crossed['gp'].id}").get_data(as_text=True)
    assert "Caesarean section: indications and technique" in page and "Sepsis recognition and referral" in page
