"""Support requests followed to the end (issue 25, item 5): a request from a mentor's reflection that concerns the
visited hospital (staffing, equipment, scheduling) is seen and answered by that hospital's administrator, never by
another hospital's; the mentor is told when its status changes and reads the answer on their reflection."""

from sqlalchemy import select

from blueprints.auth.models import User
from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent, Notification
from blueprints.mentoring.models import Reflection
from blueprints.people.models import Hospital
from blueprints.visits.models import Visit
from tests.conftest import count_queries
from tests.factories import login
from tests.meaning import visible_text

HX = {"HX-Request": "true"}


def reflect(world, visit="visit", mentor="mentor", **fields) -> Reflection:
    reflection = Reflection(visit_id=world[visit].id, mentor_id=world[mentor].id, **fields)
    db.session.add(reflection)
    db.session.flush()
    return reflection


def requests_world(world) -> dict:
    return {
        "staffing": reflect(world, support_needed="A second midwife on night shifts", support_topic="staffing"),
        "programme": reflect(world, mentor="colleague", support_needed="More HBB manikins for the team", support_topic="programme"),
        "kabgayi": reflect(world, visit="visit_k", mentor="other_mentor", support_needed="Kabgayi theatre schedule clashes",
                           support_topic="scheduling"),
    }


def test_a_hospital_administrator_sees_their_hospitals_requests_about_the_hospital_only(client, world):
    requests_world(world)
    login(client, world["nemba_admin"])
    for headers in ({}, HX):
        text = visible_text(client.get("/reflections/support?status=all", headers=headers).get_data(as_text=True))
        assert "A second midwife on night shifts" in text
        assert "More HBB manikins" not in text          # about the programme: the coordinators' to follow
        assert "Kabgayi theatre schedule" not in text    # another hospital's


def test_a_hospital_administrator_answers_and_the_mentor_is_told_the_new_status(client, world):
    requests = requests_world(world)
    login(client, world["nemba_admin"])
    response = client.post(f"/reflections/{requests['staffing'].id}/support",
                           data={"support_status": "in_progress", "support_answer": "A second midwife starts on 1 July."})
    assert response.status_code == 302
    db.session.expire_all()
    reflection = db.session.get(Reflection, requests["staffing"].id)
    assert (reflection.support_status, reflection.support_answer) == ("in_progress", "A second midwife starts on 1 July.")
    assert reflection.support_answered_by_id == world["nemba_admin"].id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reflection.support"))
    assert event.after == {"status": "in_progress", "answer": "A second midwife starts on 1 July."}
    assert event.hospital_id == world["nemba"].id
    [told] = db.session.scalars(select(Notification).where(Notification.user_id == world["mentor_user"].id)).all()
    assert "is now in progress" in told.message and "Nemba" in told.message
    assert told.link == f"/visits/{world['visit'].id}/reflection"


def test_the_mentor_reads_the_status_and_answer_on_their_reflection(client, world):
    requests = requests_world(world)
    requests["staffing"].support_status = "resolved"
    requests["staffing"].support_answer = "A second midwife starts on 1 July."
    login(client, world["mentor_user"])
    text = visible_text(client.get(f"/visits/{world['visit'].id}/reflection").get_data(as_text=True))
    assert "Answer: A second midwife starts on 1 July." in text
    assert "The hospital: staffing: resolved" in text


def test_no_notice_when_the_status_stays_the_same(client, world):
    requests = requests_world(world)
    login(client, world["coordinator"])
    client.post(f"/reflections/{requests['staffing'].id}/support",
                data={"support_status": "open", "support_owner_id": world["coordinator"].id})
    assert db.session.scalar(select(Notification).where(Notification.user_id == world["mentor_user"].id)) is None
    client.post(f"/reflections/{requests['staffing'].id}/support", data={"support_status": "resolved"})
    assert db.session.scalar(select(Notification).where(Notification.user_id == world["mentor_user"].id)) is not None


def test_another_hospitals_administrator_can_neither_see_nor_answer(client, world):
    requests = requests_world(world)
    login(client, world["kabgayi_admin"])
    for name in ("staffing", "programme"):
        response = client.post(f"/reflections/{requests[name].id}/support",
                               data={"support_status": "resolved", "support_answer": "Not ours"})
        assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Reflection, requests["staffing"].id).support_status == "open"
    assert db.session.get(Reflection, requests["staffing"].id).support_answer == ""
    text = visible_text(client.get("/reflections/support?status=all").get_data(as_text=True))
    assert "Kabgayi theatre schedule clashes" in text and "A second midwife" not in text


def test_a_hospital_administrator_cannot_answer_a_request_about_the_programme(client, world):
    requests = requests_world(world)
    login(client, world["nemba_admin"])
    response = client.post(f"/reflections/{requests['programme'].id}/support", data={"support_status": "resolved"})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Reflection, requests["programme"].id).support_status == "open"


def test_a_hospital_administrators_answer_keeps_the_coordinators_owner(client, world):
    requests = requests_world(world)
    requests["staffing"].support_owner_id = world["coordinator"].id
    login(client, world["nemba_admin"])
    client.post(f"/reflections/{requests['staffing'].id}/support",
                data={"support_status": "in_progress", "support_owner_id": "", "support_answer": "On it"})
    db.session.expire_all()
    assert db.session.get(Reflection, requests["staffing"].id).support_owner_id == world["coordinator"].id


def test_the_mentor_says_what_the_support_is_about(client, world):
    login(client, world["mentor_user"])
    response = client.post(f"/visits/{world['visit'].id}/reflection",
                           data={"support_needed": "The oxygen concentrator is broken", "support_topic": "equipment"})
    assert response.status_code == 302
    assert db.session.scalar(select(Reflection.support_topic)) == "equipment"
    response = client.post(f"/visits/{world['visit'].id}/reflection",
                           data={"support_needed": "x", "support_topic": "gossip",
                                 "version": db.session.scalar(select(Reflection.version))})
    assert response.status_code == 422
    assert db.session.scalar(select(Reflection.support_topic)) == "equipment"


def test_the_support_list_query_count_does_not_grow_with_requests(client, world):
    requests_world(world)
    login(client, world["nemba_admin"])
    with count_queries() as few:
        client.get("/reflections/support?status=all")
    for mentor in ("mentor", "colleague"):
        reflect(world, visit="earlier", mentor=mentor, support_needed="Another", support_topic="staffing")
    with count_queries() as many:
        client.get("/reflections/support?status=all")
    assert len(many) == len(few)


def test_the_demo_has_a_monthly_hospital_and_support_requests_answered_by_their_hospital(runner):
    assert runner.invoke(args=["demo-data", "--today", "2026-11-26"]).exit_code == 0
    assert db.session.scalar(select(Hospital.cadence_days).where(Hospital.name == "Kinihira")) == 30
    rows = db.session.execute(select(Reflection, Visit.hospital_id).join(Visit, Visit.id == Reflection.visit_id)
                              .where(Reflection.support_topic != "programme")).all()
    assert rows, "the demo has support requests about a hospital"
    answered = [(r, h) for r, h in rows if r.support_answer]
    assert answered
    for reflection, hospital_id in answered:
        assert db.session.get(User, reflection.support_answered_by_id).hospital_id == hospital_id
