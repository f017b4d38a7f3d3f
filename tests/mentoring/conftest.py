"""A small mentoring world: one team at one hospital, a mentor with two mentees, two held visits, a user per role."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from blueprints.core.clock import today
from blueprints.mentoring.models import Skill
from blueprints.people.models import Profession
from tests.factories import assign, make_hospital, make_mentee, make_mentor, make_team, make_user
from tests.visits.conftest import held_visit, make_visit


def midwife_skills() -> list[Skill]:
    return list(db_scalars(select(Skill).join(Profession).where(Profession.code == "midwife").order_by(Skill.position)))


def db_scalars(query):
    from blueprints.core.extensions import db

    return db.session.scalars(query)


def form_data(world, **extra) -> dict:
    """A complete, valid feedback form as the browser posts it."""
    skills = midwife_skills()
    data = {
        "contact_type": "on_site", "teaching_methods": ["bedside_teaching", "simulation"],
        "strengths": "Calm in emergencies", "areas_to_improve": "Partograph plotting", "mentee_comment": "Thank you",
        "cpd_hours": "6", "next_visit_date": "", "version": "",
        f"rating-{skills[0].id}": "3", f"comment-{skills[0].id}": "Improving",
        f"rating-{skills[1].id}": "4",
        "action-text": ["Plot ten partographs", ""], "action-due": [(today() + timedelta(days=30)).isoformat(), ""],
    }
    data.update(extra)
    return data


@pytest.fixture
def world():
    team, other_team = make_team("Team North"), make_team("Team South")
    nemba = make_hospital("Nemba", team=team)
    kabgayi = make_hospital("Kabgayi", team=other_team, province="Southern Province")
    mentor = make_mentor(team, "midwife", name="Mentor Alpha")
    colleague = make_mentor(team, "obgyn", name="Mentor Colleague")
    other_mentor = make_mentor(other_team, "midwife", name="Mentor Beta")
    mentee = make_mentee(nemba, name="Amina Uwase")
    mentee_2 = make_mentee(nemba, name="Grace Mukamana")
    mentee_k = make_mentee(kabgayi, name="Kabgayi Mentee")
    start = today() - timedelta(days=400)
    for m, e in ((mentor, mentee), (mentor, mentee_2), (other_mentor, mentee_k)):
        assign(m, e, start=start)
    earlier = held_visit(nemba, team, today() - timedelta(days=70), mentors=[mentor])
    visit = held_visit(nemba, team, today() - timedelta(days=10), mentors=[mentor])
    visit_k = held_visit(kabgayi, other_team, today() - timedelta(days=10), mentors=[other_mentor])
    planned = make_visit(nemba, team, today() + timedelta(days=20))
    return {
        "team": team, "nemba": nemba, "kabgayi": kabgayi, "mentor": mentor, "colleague": colleague,
        "other_mentor": other_mentor, "mentee": mentee, "mentee_2": mentee_2, "mentee_k": mentee_k,
        "earlier": earlier, "visit": visit, "visit_k": visit_k, "planned": planned,
        "mentor_user": make_user("mentor", mentor=mentor, username="mentor.alpha"),
        "colleague_user": make_user("mentor", mentor=colleague, username="mentor.colleague"),
        "other_mentor_user": make_user("mentor", mentor=other_mentor, username="mentor.beta"),
        "coordinator": make_user("coordinator", username="coord"),
        "nemba_admin": make_user("hospital_admin", hospital=nemba, username="admin.nemba"),
        "kabgayi_admin": make_user("hospital_admin", hospital=kabgayi, username="admin.kabgayi"),
    }


def url(world, visit="visit", mentee="mentee", suffix="") -> str:
    return f"/visits/{world[visit].id}/feedback/{world[mentee].id}{suffix}"


__all__ = ["date", "form_data", "midwife_skills", "url"]
