"""Skill areas in the reader's language (issue 25): as the skills' names, the default frameworks' areas are seeded in
French and Kinyarwanda, a coordinator edits them, and the skills page and the feedback sheet show them translated."""

from datetime import timedelta

from sqlalchemy import select

from blueprints.core.audit import AuditEvent
from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.core.i18n import in_language
from blueprints.defaults import seed_defaults
from blueprints.mentoring.defaults import SKILL_AREA_TRANSLATIONS
from blueprints.mentoring.framework import DEFAULT_SKILLS
from blueprints.mentoring.models import Feedback, Skill, SkillRating
from blueprints.reports.sheets import sheets_for, sheets_html
from tests.factories import login, make_hospital, make_mentee, make_mentor, make_team, make_user
from tests.visits.conftest import held_visit


def midwifery_skill() -> Skill:
    seed_defaults()
    return db.session.scalar(select(Skill).where(Skill.name == "Normal birth"))


def test_every_default_area_is_seeded_in_french_and_kinyarwanda():
    seed_defaults()
    areas = {area for groups in DEFAULT_SKILLS.values() for area, _skills in groups}
    assert areas <= set(SKILL_AREA_TRANSLATIONS)
    skills = db.session.scalars(select(Skill)).all()
    assert skills and all(s.area_translations == dict(zip(("fr", "rw"), SKILL_AREA_TRANSLATIONS[s.area], strict=True)) for s in skills)


def test_the_skills_page_shows_each_area_in_the_readers_language(client):
    skill = midwifery_skill()
    for language, area in (("fr", "Pratique sage-femme"), ("rw", "Ububyaza"), ("en", "Midwifery")):
        login(client, make_user("coordinator", language=language))
        page = client.get(f"/skills/?profession={skill.profession_id}").get_data(as_text=True)
        assert f">{area}</td>" in page, language
        assert (">Midwifery</td>" in page) == (language == "en")
        client.post("/logout")


def test_the_feedback_sheet_heads_its_ratings_with_the_area_in_the_mentees_language(app):
    skill = midwifery_skill()
    team = make_team("Team North")
    nemba = make_hospital("Nemba", team=team)
    mentor = make_mentor(team, "midwife", name="Mentor Alpha")
    mentee = make_mentee(nemba, "midwife", name="Amina Uwase")
    visit = held_visit(nemba, team, today() - timedelta(days=10), mentors=[mentor])
    feedback = Feedback(visit_id=visit.id, mentee_id=mentee.id, mentor_id=mentor.id, status="signed",
                        ratings=[SkillRating(skill_id=skill.id, rating=3)])
    db.session.add(feedback)
    db.session.flush()
    with app.test_request_context():
        for language, area in (("fr", "Pratique sage-femme"), ("rw", "Ububyaza"), ("en", "Midwifery")):
            with in_language(language):
                html = sheets_html(sheets_for([feedback], visit))
            assert f"<h3>{area}</h3>" in html, language


def test_the_coordinator_translates_an_area_on_the_skill_form_audited(client):
    skill = midwifery_skill()
    login(client, make_user("coordinator"))
    form = client.get(f"/skills/{skill.id}/edit").get_data(as_text=True)
    assert 'value="Pratique sage-femme"' in form and 'value="Ububyaza"' in form
    response = client.post(f"/skills/{skill.id}/edit", data={
        "profession_id": skill.profession_id, "area": skill.area, "name": skill.name, "position": skill.position,
        "area_fr": " Maïeutique ", "area_rw": ""})
    assert response.status_code in (200, 302, 204), response.get_data(as_text=True)[:500]
    assert db.session.get(Skill, skill.id).area_translations == {"fr": "Maïeutique"}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "skill.update"))
    assert "area_translations" in (event.after or {})
