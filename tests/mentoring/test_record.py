"""Self-assessments, reflections with support follow-up, CPD hours, the mentee's record and the visit's status."""

from datetime import timedelta

from sqlalchemy import func, select

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent
from blueprints.mentoring.models import Feedback, Reflection, SelfAssessment, SkillRating
from tests.conftest import count_queries
from tests.factories import assign, login, make_mentee
from tests.mentoring.conftest import form_data, midwife_skills, url

HTMX = {"HX-Request": "true"}


def assessments() -> int:
    return db.session.scalar(select(func.count(SelfAssessment.id)))


def test_mentor_and_hospital_admin_enter_self_assessments_and_the_record_shows_baseline_against_latest(client, world):
    skills = midwife_skills()
    path = f"/mentees/{world['mentee'].id}/self-assessments/new"
    login(client, world["mentor_user"])
    response = client.post(path, data={"assessed_on": (today() - timedelta(days=300)).isoformat(), f"rating-{skills[0].id}": "1",
                                       "learning_needs": "Partograph"})
    assert response.status_code == 302
    login(client, world["nemba_admin"])
    response = client.post(path, data={"assessed_on": today().isoformat(), f"rating-{skills[0].id}": "4", "learning_needs": "CPAP"})
    assert response.status_code == 302 and assessments() == 2
    page = client.get(f"/mentees/{world['mentee'].id}/mentoring").data.decode()
    assert "Baseline" in page and "Latest" in page and "CPAP" in page
    row = page[page.index(skills[0].name):]
    assert row.index("1") < row.index("4")


def test_a_self_assessment_out_of_scale_is_refused_and_nothing_saved(client, world):
    skill = midwife_skills()[0]
    login(client, world["mentor_user"])
    response = client.post(f"/mentees/{world['mentee'].id}/self-assessments/new",
                           data={"assessed_on": today().isoformat(), f"rating-{skill.id}": "9", "learning_needs": "Kept needs"})
    assert response.status_code == 422 and b"A rating is from 1 to 5" in response.data and b"Kept needs" in response.data
    assert assessments() == 0


def test_only_the_mentees_mentor_or_hospital_enters_a_self_assessment(client, world):
    path = f"/mentees/{world['mentee'].id}/self-assessments/new"
    for who, codes in (("colleague_user", (403,)), ("other_mentor_user", (404,)), ("kabgayi_admin", (404,)), ("coordinator", (403,))):
        login(client, world[who])
        assert client.post(path, data={"assessed_on": today().isoformat(), "learning_needs": "x"}).status_code in codes, who
    assert assessments() == 0


def test_a_mentor_writes_a_reflection_and_support_needed_becomes_a_coordinators_follow_up(client, world):
    login(client, world["mentor_user"])
    path = f"/visits/{world['visit'].id}/reflection"
    assert client.get(path).status_code == 200
    response = client.post(path, data={"went_well": "Simulation day", "support_needed": "A second CPAP machine"})
    assert response.status_code == 302
    reflection = db.session.scalar(select(Reflection))
    assert reflection.support_status == "open"
    assert b"written" in client.get(f"/visits/{world['visit'].id}").data
    assert client.get("/reflections/support").status_code == 403
    login(client, world["coordinator"])
    page = client.get("/reflections/support")
    assert b"A second CPAP machine" in page.data
    response = client.post(f"/reflections/{reflection.id}/support",
                           data={"support_status": "in_progress", "support_owner_id": world["coordinator"].id})
    assert response.status_code == 302
    db.session.expire_all()
    reflection = db.session.get(Reflection, reflection.id)
    assert reflection.support_status == "in_progress" and reflection.support_owner_id == world["coordinator"].id
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reflection.support")) is not None
    assert b"A second CPAP machine" not in client.get("/reflections/support?status=resolved").data


def test_a_reflection_saved_from_a_stale_tab_is_a_conflict(client, world):
    login(client, world["mentor_user"])
    path = f"/visits/{world['visit'].id}/reflection"
    client.post(path, data={"went_well": "First"})
    version = db.session.scalar(select(Reflection.version))
    assert client.post(path, data={"went_well": "Tab A", "version": version}).status_code == 302
    stale = client.post(path, data={"went_well": "Tab B", "version": version})
    assert stale.status_code == 409 and b"Tab B" in stale.data
    db.session.expire_all()
    assert db.session.scalar(select(Reflection.went_well)) == "Tab A"


def test_hospital_admins_and_other_teams_write_no_reflection(client, world):
    path = f"/visits/{world['visit'].id}/reflection"
    login(client, world["nemba_admin"])
    assert client.post(path, data={"went_well": "x"}).status_code == 403
    login(client, world["other_mentor_user"])
    assert client.post(path, data={"went_well": "x"}).status_code == 404
    assert db.session.scalar(select(func.count(Reflection.id))) == 0


def test_the_visit_page_shows_feedback_missing_drafted_and_signed(client, world):
    login(client, world["mentor_user"])
    client.post(url(world), data=form_data(world))
    client.post(url(world, mentee="mentee_2"), data=form_data(world))
    feedback = db.session.scalar(select(Feedback).where(Feedback.mentee_id == world["mentee_2"].id))
    client.post(url(world, mentee="mentee_2", suffix="/sign"), data={"version": feedback.version, "sign_confirmed": "y"})
    third = make_mentee(world["nemba"], name="Third Mentee")
    assign(world["mentor"], third, start=today() - timedelta(days=400))
    page = client.get(f"/visits/{world['visit'].id}").data.decode()
    section = page[page.index('id="feedback"'):]
    assert section.index("Amina Uwase") < section.index("draft")
    assert "signed off" in section and "missing" in section


def test_cpd_hours_are_summed_per_year_on_the_mentee_record(client, world):
    skill = midwife_skills()[0]
    for visit, hours in (("earlier", 6), ("visit", 4.5)):
        db.session.add(Feedback(visit_id=world[visit].id, mentee_id=world["mentee"].id, mentor_id=world["mentor"].id,
                                status="signed", cpd_hours=hours, ratings=[SkillRating(skill_id=skill.id, rating=3)]))
    db.session.add(Feedback(visit_id=world["visit"].id, mentee_id=world["mentee_2"].id, mentor_id=world["mentor"].id, cpd_hours=50))
    login(client, world["mentor_user"])
    page = client.get(f"/mentees/{world['mentee'].id}/mentoring", headers=HTMX).data.decode()
    years = {world["earlier"].start_date.year, world["visit"].start_date.year}
    if len(years) == 1:
        assert "<strong>10.5 hours</strong>" in page
    else:
        assert "<strong>6 hours</strong>" in page and "<strong>4.5 hours</strong>" in page


def test_the_mentee_record_queries_do_not_grow_with_history(client, world):
    login(client, world["mentor_user"])
    path = f"/mentees/{world['mentee'].id}/mentoring"
    skills = midwife_skills()
    db.session.add(Feedback(visit_id=world["earlier"].id, mentee_id=world["mentee"].id, mentor_id=world["mentor"].id, status="signed",
                            cpd_hours=3, ratings=[SkillRating(skill_id=skills[0].id, rating=2)]))
    db.session.add(SelfAssessment(mentee_id=world["mentee"].id, assessed_on=today(), ratings={str(skills[0].id): 2}))
    db.session.commit()
    with count_queries() as few:
        assert client.get(path, headers=HTMX).status_code == 200
    from tests.visits.conftest import held_visit

    for n in range(12):
        visit = held_visit(world["nemba"], world["team"], today() - timedelta(days=500 + 10 * n))
        db.session.add(Feedback(visit_id=visit.id, mentee_id=world["mentee"].id, mentor_id=world["mentor"].id, status="signed",
                                cpd_hours=3, ratings=[SkillRating(skill_id=s.id, rating=3) for s in skills]))
        db.session.add(SelfAssessment(mentee_id=world["mentee"].id, assessed_on=visit.start_date, ratings={str(skills[0].id): 2}))
    db.session.commit()
    with count_queries() as many:
        assert client.get(path, headers=HTMX).status_code == 200
    assert len(many) == len(few) <= 10
