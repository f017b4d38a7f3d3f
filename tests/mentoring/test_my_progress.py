"""A mentee's "My progress" (issue 22, item 2): their ratings over visits per skill, CPD hours per year (signed visits
and contact sessions) and their CPD certificate; only their own signed-off record, never a draft or another mentee's."""

import io
from datetime import date

from pypdf import PdfReader

from blueprints.core.extensions import db
from blueprints.mentoring.models import ContactSession, Feedback, FeedbackStatus, SkillRating
from tests.conftest import count_queries
from tests.factories import login, make_user
from tests.mentoring.conftest import midwife_skills


def feedback(world, visit, mentee="mentee", status=FeedbackStatus.SIGNED, hours=6, ratings=()) -> Feedback:
    row = Feedback(visit_id=world[visit].id, mentee_id=world[mentee].id, mentor_id=world["mentor"].id, status=status,
                   cpd_hours=hours, ratings=[SkillRating(skill_id=skill.id, rating=rating, comment="") for skill, rating in ratings])
    db.session.add(row)
    db.session.flush()
    return row


def contact_session(world, mentee="mentee", day=date(2026, 5, 11), minutes=90, topic="Partograph questions"):
    db.session.add(ContactSession(mentee_id=world[mentee].id, mentor_id=world["mentor"].id, held_on=day, mode="phone",
                                  minutes=minutes, topic=topic))
    db.session.flush()


def page(client, world, mentee="mentee") -> str:
    login(client, make_user("mentee", mentee=world[mentee], username=f"mentee.{world[mentee].id}"))
    response = client.get("/me/progress")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_mentee_sees_their_ratings_over_visits_per_skill_from_signed_sheets(client, world):
    partograph, third_stage = midwife_skills()[:2]
    feedback(world, "earlier", ratings=[(partograph, 2), (third_stage, 3)])
    feedback(world, "visit", status=FeedbackStatus.DRAFT, ratings=[(partograph, 5)])
    text = page(client, world)
    assert "Partograph" in text and "Active management of third stage" in text
    assert world["earlier"].start_date.strftime("%-d %b %Y") in text
    assert world["visit"].start_date.strftime("%-d %b %Y") not in text  # a draft is not the mentee's yet
    assert '<td class="num">2</td>' in text and '<td class="num">5</td>' not in text


def test_cpd_hours_per_year_count_signed_visits_and_contact_sessions(client, world):
    feedback(world, "earlier", hours=6)
    feedback(world, "visit", status=FeedbackStatus.DRAFT, hours=8)
    contact_session(world, minutes=90)
    contact_session(world, day=date(2025, 12, 1), minutes=30)
    text = page(client, world)
    assert "2026: <strong>7.5 hours</strong>" in text and "2025: <strong>0.5 hours</strong>" in text
    assert "/me/cpd/2026.pdf" in text


def test_a_mentee_downloads_their_own_cpd_certificate(client, world):
    feedback(world, "earlier", hours=6)
    contact_session(world, minutes=90)
    page(client, world)
    response = client.get("/me/cpd/2026.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())
    assert "Amina Uwase" in text and "7.5" in text
    assert client.get("/me/cpd/2024.pdf").status_code == 404  # no record that year
    client.post("/logout")
    login(client, world["mentor_user"])
    assert client.get("/me/cpd/2026.pdf").status_code == 403


def test_another_mentees_ratings_hours_and_contacts_never_show(client, world):
    partograph = midwife_skills()[0]
    feedback(world, "earlier", mentee="mentee_2", hours=9, ratings=[(partograph, 4)])
    contact_session(world, mentee="mentee_2", topic="Zzother mentee call", minutes=240)
    text = page(client, world)
    assert "Partograph" not in text and "9 hours" not in text and "Zzother" not in text
    assert client.get("/me/cpd/2026.pdf").status_code == 404


def test_the_progress_page_reads_in_constant_queries(client, world):
    skills = midwife_skills()
    feedback(world, "earlier", ratings=[(skills[0], 2)])
    page(client, world)
    with count_queries() as few:
        assert client.get("/me/progress").status_code == 200
    feedback(world, "visit", ratings=[(skill, 3) for skill in skills])
    for n in range(6):
        contact_session(world, day=date(2026, 1, 1 + n))
    with count_queries() as many:
        assert client.get("/me/progress").status_code == 200
    assert len(many) == len(few) <= 8
