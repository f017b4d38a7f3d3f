"""Public holidays are a setting coordinators keep; the planner avoids them."""

from sqlalchemy import func, select

from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent
from blueprints.visits.models import Holiday
from tests.factories import login, make_user, profession


def test_fixed_rwandan_holidays_are_seeded():
    profession("midwife")  # runs seed_defaults
    names = set(db.session.scalars(select(Holiday.name)))
    assert {"Genocide against the Tutsi Memorial Day", "Liberation Day", "Christmas Day"} <= names


def test_coordinator_adds_and_removes_a_holiday_audited(client):
    login(client, make_user("coordinator"))
    response = client.post("/visits/holidays", data={"name": "Umuganura (harvest day)", "day": "7", "month": "8", "year": "2026"})
    assert response.status_code == 302
    added = db.session.scalar(select(Holiday).where(Holiday.name == "Umuganura (harvest day)"))
    assert (added.day, added.month, added.year) == (7, 8, 2026)
    assert b"Umuganura" in client.get("/visits/holidays").data
    holiday_id = added.id
    assert client.post(f"/visits/holidays/{holiday_id}/delete").status_code == 302
    assert db.session.scalar(select(func.count(Holiday.id)).where(Holiday.id == holiday_id)) == 0
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("holiday.%"))).all()
    assert sorted(actions) == ["holiday.create", "holiday.delete"]


def test_bad_holidays_are_refused_next_to_the_field(client):
    profession("midwife")
    login(client, make_user("coordinator"))
    before = db.session.scalar(select(func.count(Holiday.id)))
    impossible = client.post("/visits/holidays", data={"name": "Nowhere", "day": "31", "month": "2"})
    assert impossible.status_code == 422 and b"This month has no day 31." in impossible.data
    doubled = client.post("/visits/holidays", data={"name": "Again", "day": "25", "month": "12"})
    assert doubled.status_code == 422 and b"Christmas Day is already on this date." in doubled.data
    assert db.session.scalar(select(func.count(Holiday.id))) == before


def test_only_coordinators_keep_holidays(client):
    login(client, make_user("hospital_admin"))
    assert client.get("/visits/holidays").status_code == 403
