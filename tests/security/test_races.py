"""Parallel identical requests against a live server (issue 16, items 2-5): PostgreSQL runs them at the same
time, SQLite queues them; on both exactly one of them takes effect and every other one gets a clear answer
(the refusal next to its field, or 409), never a 500 or an empty page."""

from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select

from blueprints.core.extensions import db
from blueprints.core.models import Notification
from blueprints.equipment.models import EquipmentCheck
from blueprints.people.models import Mentee, Transfer
from blueprints.visits.models import Visit
from tests.factories import assign, department, make_hospital, make_mentee, make_mentor, make_team, make_user
from tests.live import Client, fire

PARALLEL = 16
TODAY = date(2026, 5, 4)  # the programme's date during these tests (a Monday)


@pytest.fixture
def clock():
    """Today is TODAY in Kigali for the test and its live server (one process, so one clock)."""
    with time_machine.travel(datetime(2026, 5, 4, 9, 0, tzinfo=ZoneInfo("Africa/Kigali")), tick=True):
        yield


@pytest.fixture
def nemba(clock) -> dict[str, int]:
    team = make_team("Team North")
    nemba, byumba = make_hospital("Nemba", team=team), make_hospital("Byumba", team=make_team("Team South"))
    mentor = make_mentor(team, name="Mentor Alpha")
    mentee = make_mentee(nemba, name="Aline Uwase")
    assign(mentor, mentee, start=date(2026, 1, 5))
    make_user("hospital_admin", hospital=nemba, username="admin.nemba")
    make_user("mentor", mentor=mentor, username="mentor.alpha")
    make_user("hospital_admin", hospital=byumba, username="admin.byumba")
    make_user("coordinator", username="coord")
    ids = {"nemba": nemba.id, "byumba": byumba.id, "team": team.id, "mentee": mentee.id, "maternity": department("maternity").id}
    db.session.commit()  # and nothing read after it: outside a request the test's session would BEGIN IMMEDIATE on SQLite
    return ids


def statuses(answers) -> Counter:
    return Counter(a.status for a in answers)


def assert_every_answer_is_a_page(answers) -> None:
    assert all(a.status != 500 for a in answers), statuses(answers)
    assert all(a.status == 302 or "</html>" in a.body for a in answers), "an error page with an empty body"


def test_the_same_roster_saved_in_parallel_adds_each_mentee_once(live, nemba):
    content = "full_name,profession,department\nAline Mukamana,midwife,maternity\nJean Habimana,midwife,maternity\n" \
              "Claudine Uwera,midwife,maternity\n"
    client = Client(live, "admin.nemba")
    answers = fire(PARALLEL, lambda i: client.post("/mentees/import/save", {"content": content}))
    names = db.session.scalars(select(Mentee.full_name).where(Mentee.hospital_id == nemba["nemba"])).all()
    assert sorted(names) == ["Aline Mukamana", "Aline Uwase", "Claudine Uwera", "Jean Habimana"]
    assert_every_answer_is_a_page(answers)
    assert statuses(answers) == {302: 1, 200: PARALLEL - 1}  # the later saves find the first one's mentees
    assert all("Nothing new" in a.body for a in answers if a.status == 200)


def test_the_same_dated_equipment_check_started_in_parallel_opens_one_check(live, nemba):
    client, path = Client(live, "admin.nemba"), f"/equipment/hospitals/{nemba['nemba']}/checks"
    answers = fire(PARALLEL, lambda i: client.post(path, {"check_date": "2026-05-01"}))
    checks = db.session.scalars(select(EquipmentCheck).where(EquipmentCheck.hospital_id == nemba["nemba"])).all()
    assert [(c.check_date, c.visit_id, c.completed_at) for c in checks] == [(date(2026, 5, 1), None, None)]
    assert_every_answer_is_a_page(answers)
    assert statuses(answers) == {302: PARALLEL}
    assert {a.location for a in answers} == {f"/equipment/checks/{checks[0].id}"}


def test_a_visits_equipment_check_started_in_parallel_opens_one_check(live, nemba):
    visit = Visit(hospital_id=nemba["nemba"], team_id=nemba["team"], start_date=TODAY, days=3, end_date=date(2026, 5, 6),
                  status="confirmed")
    db.session.add(visit)
    db.session.flush()
    visit_id, path = visit.id, f"/equipment/visits/{visit.id}/check"
    db.session.commit()
    client = Client(live, "coord")
    answers = fire(PARALLEL, lambda i: client.post(path, {}))
    checks = db.session.scalars(select(EquipmentCheck).where(EquipmentCheck.hospital_id == nemba["nemba"])).all()
    assert [(c.check_date, c.visit_id) for c in checks] == [(TODAY, visit_id)]
    assert_every_answer_is_a_page(answers)
    assert statuses(answers) == {302: PARALLEL}
    assert {a.location for a in answers} == {f"/equipment/checks/{checks[0].id}"}


def transfer_form(world, effective_date: date) -> dict:
    return {"kind": "hospital", "effective_date": effective_date.isoformat(), "to_hospital_id": world["byumba"],
            "to_department_id": world["maternity"], "reason": "Staff shortage"}


def test_a_same_day_transfer_posted_in_parallel_moves_the_mentee_once_and_answers_every_request(live, nemba):
    data = transfer_form(nemba, TODAY)
    client, path = Client(live, "coord"), f"/mentees/{nemba['mentee']}/transfer"
    answers = fire(PARALLEL, lambda i: client.post(path, data))
    transfers = db.session.scalars(select(Transfer).where(Transfer.mentee_id == nemba["mentee"])).all()
    assert [(t.to_hospital_id, t.effective_date, t.applied_at is not None) for t in transfers] == [(nemba["byumba"], TODAY, True)]
    assert db.session.get(Mentee, nemba["mentee"]).hospital_id == nemba["byumba"]
    assert_every_answer_is_a_page(answers)
    assert statuses(answers)[302] == 1
    assert set(statuses(answers)) <= {302, 409, 422}


def test_a_future_transfer_posted_in_parallel_is_logged_once_and_told_once(live, nemba):
    data = transfer_form(nemba, date(2026, 6, 1))
    client, path = Client(live, "admin.nemba"), f"/mentees/{nemba['mentee']}/transfer"
    answers = fire(PARALLEL, lambda i: client.post(path, data))
    pending = db.session.scalars(select(Transfer).where(Transfer.mentee_id == nemba["mentee"])).all()
    assert [(t.to_hospital_id, t.effective_date, t.applied_at) for t in pending] == [(nemba["byumba"], date(2026, 6, 1), None)]
    assert db.session.scalar(select(func.count(Notification.id))) == 3  # the mentor, Byumba's administrator, the coordinator
    assert_every_answer_is_a_page(answers)
    assert statuses(answers) == {302: 1, 422: PARALLEL - 1}
    assert all("One move at a time: Aline Uwase moves from Nemba" in a.body for a in answers if a.status == 422)


def test_cancelling_a_transfer_while_the_receiving_side_acts_leaves_one_or_the_other(live, nemba):
    """Issue 17 item 3: the sending administrator's cancel and the receiving administrator's mentor request race; the
    one decided first wins and the other is refused, so a cancelled move never carries a mentor request (nor told
    anyone of one), and a move with a request is never undone by the sending side."""
    sender, receiver = Client(live, "admin.nemba"), Client(live, "admin.byumba")
    assert sender.post(f"/mentees/{nemba['mentee']}/transfer", transfer_form(nemba, TODAY)).status == 302
    transfer_id = db.session.scalar(select(Transfer.id).where(Transfer.mentee_id == nemba["mentee"]))
    db.session.rollback()  # leave no transaction open (SQLite's would hold the write lock)
    answers = fire(PARALLEL, lambda i: sender.post(f"/transfers/{transfer_id}/cancel") if i % 2
                   else receiver.post(f"/transfers/{transfer_id}/request-mentor"))
    assert all(a.status == 302 for a in answers), statuses(answers)
    transfer = db.session.get(Transfer, transfer_id)
    requests = db.session.scalar(select(func.count(Notification.id)).where(Notification.kind == "mentor_request"))
    mentee = db.session.get(Mentee, nemba["mentee"])
    if transfer.cancelled_at is not None:
        assert transfer.mentor_requested_at is None and requests == 0 and mentee.hospital_id == nemba["nemba"]
    else:
        assert transfer.mentor_requested_at is not None and requests == 1 and mentee.hospital_id == nemba["byumba"]
