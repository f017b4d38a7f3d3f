"""Assignments (a limit per mentor, a warning for a poor profession fit) and absences (ranges, rotas)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent
from blueprints.people.models import Absence, Assignment
from blueprints.people.services.absences import night_rota_ranges
from tests.factories import assign, login, make_hospital, make_mentee, make_mentor, make_user


def test_a_fourth_active_mentee_is_refused_with_a_clear_message(client):
    hospital = make_hospital()
    mentor = make_mentor(profession_code="midwife", name="Busy Mentor")
    for _ in range(3):
        assign(mentor, make_mentee(hospital))
    fourth = make_mentee(hospital)
    login(client, make_user("coordinator"))
    response = client.post(f"/mentees/{fourth.id}/assign", data={"mentor_id": mentor.id, "start_date": today().isoformat()})
    assert response.status_code == 422
    assert b"Busy Mentor already has 3 active mentees" in response.data
    assert db.session.scalar(select(func.count(Assignment.id)).where(Assignment.mentee_id == fourth.id)) == 0


def test_a_profession_mismatch_is_a_warning_not_a_refusal(client):
    hospital = make_hospital()
    obstetrician = make_mentor(profession_code="obgyn", name="Dr Obstetrician")
    nurse = make_mentee(hospital, profession_code="paediatric_nurse", department_code="neonatology")
    login(client, make_user("coordinator"))
    response = client.post(f"/mentees/{nurse.id}/assign", data={"mentor_id": obstetrician.id, "start_date": today().isoformat()},
                           follow_redirects=True)
    assert response.status_code == 200
    assert b"check this pairing is intended" in response.data
    assert db.session.scalar(select(func.count(Assignment.id)).where(Assignment.mentee_id == nurse.id)) == 1


def test_reassigning_ends_the_old_assignment_with_a_reason_and_deletes_nothing(client):
    hospital = make_hospital()
    mentee = make_mentee(hospital)
    old = assign(make_mentor(), mentee, start=today() - timedelta(days=100))
    login(client, make_user("coordinator"))
    response = client.post(f"/assignments/{old.id}/end", data={"end_date": today().isoformat(), "end_reason": "reassigned"})
    assert response.status_code == 302
    ended = db.session.get(Assignment, old.id)
    assert ended.end_reason == "reassigned" and ended.end_date == today()
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assignment.end")) is not None


def test_an_assignment_cannot_end_before_it_started(client):
    mentee = make_mentee(make_hospital())
    started = assign(make_mentor(), mentee, start=today())
    login(client, make_user("coordinator"))
    response = client.post(f"/assignments/{started.id}/end", data={"end_date": (today() - timedelta(days=3)).isoformat(), "end_reason": "other"})
    assert response.status_code == 422
    assert b"cannot be before the start" in response.data
    assert db.session.get(Assignment, started.id).end_date is None


def test_only_coordinators_assign(client):
    hospital = make_hospital()
    mentee = make_mentee(hospital)
    login(client, make_user("hospital_admin", hospital=hospital))
    assert client.get(f"/mentees/{mentee.id}/assign").status_code == 403


def test_absence_is_recorded_and_an_end_before_start_is_refused(client):
    hospital = make_hospital()
    mentee = make_mentee(hospital)
    login(client, make_user("hospital_admin", hospital=hospital))
    bad = client.post(f"/mentees/{mentee.id}/absences", data={"kind": "annual_leave", "start_date": "2026-12-10", "end_date": "2026-12-01"},
                      headers={"HX-Request": "true"})
    assert bad.status_code == 422
    assert b"<html" not in bad.data and b"cannot be before the start date" in bad.data and b'value="2026-12-10"' in bad.data
    good = client.post(f"/mentees/{mentee.id}/absences", data={"kind": "annual_leave", "start_date": "2026-12-01", "end_date": "2026-12-10"},
                       headers={"HX-Request": "true"})
    assert good.status_code == 200 and good.headers["HX-Redirect"].startswith(f"/mentees/{mentee.id}")
    assert db.session.scalar(select(func.count(Absence.id))) == 1


@pytest.mark.no_db
def test_night_rota_is_stored_as_ranges_of_consecutive_nights():
    monday = date(2026, 11, 30)
    ranges = night_rota_ranges(monday, weeks=4, weekdays={0, 1, 2})
    assert len(ranges) == 4
    assert ranges[0] == (monday, monday + timedelta(days=2))
    assert ranges[-1] == (monday + timedelta(days=21), monday + timedelta(days=23))
    assert night_rota_ranges(monday, weeks=2, weekdays={5, 6, 0}) == [
        (monday, monday), (monday + timedelta(days=5), monday + timedelta(days=7)), (monday + timedelta(days=12), monday + timedelta(days=13))
    ]


def test_night_rota_form_saves_each_range(client):
    hospital = make_hospital()
    mentee = make_mentee(hospital)
    login(client, make_user("hospital_admin", hospital=hospital))
    response = client.post(f"/mentees/{mentee.id}/night-rota", data={"start": "2026-11-30", "weeks": "4", "weekdays": ["0", "1", "2"]})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Absence.id)).where(Absence.kind == "night_shift")) == 4
    refused = client.post(f"/mentees/{mentee.id}/night-rota", data={"start": "2026-11-30", "weeks": "4"})
    assert refused.status_code == 422 and b"Choose at least one night of the week." in refused.data


def test_removing_an_absence_is_audited(client):
    hospital = make_hospital()
    mentee = make_mentee(hospital)
    login(client, make_user("hospital_admin", hospital=hospital))
    client.post(f"/mentees/{mentee.id}/absences", data={"kind": "sick_leave", "start_date": "2026-12-01", "end_date": "2026-12-02"})
    absence = db.session.scalar(select(Absence))
    assert client.post(f"/absences/{absence.id}/delete").status_code == 302
    assert db.session.scalar(select(func.count(Absence.id))) == 0
    removed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "absence.delete"))
    assert removed.before["kind"] == "sick_leave"


def test_another_hospitals_absence_cannot_be_removed(client):
    hospital, other = make_hospital(), make_hospital()
    mentee = make_mentee(other)
    from blueprints.people.services.absences import add_absence

    absence = add_absence(mentee, kind="training", start_date=date(2026, 12, 1), end_date=date(2026, 12, 2))
    login(client, make_user("hospital_admin", hospital=hospital))
    assert client.post(f"/absences/{absence.id}/delete").status_code == 404
    assert db.session.get(Absence, absence.id) is not None
