"""One pending transfer per mentee at a time: a second one is refused next to its date, saying which move is
waiting and how to change it (cancel it first), rather than replacing it: the waiting move may be a colleague's,
already announced to the mentors and the receiving hospital, and cancelling is the audited way to correct it.
The database holds the rule whatever the code does."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from blueprints.core.extensions import db
from blueprints.core.models import Notification
from blueprints.people.models import Transfer
from tests.factories import assign, department, login, make_hospital, make_mentee, make_mentor, make_team, make_user


@pytest.fixture
def world():
    with time_machine.travel(datetime(2026, 5, 4, 9, 0, tzinfo=ZoneInfo("Africa/Kigali")), tick=True):
        team = make_team("Team North")
        nemba, byumba, ruli = make_hospital("Nemba", team=team), make_hospital("Byumba"), make_hospital("Ruli")
        mentor = make_mentor(team, name="Mentor Alpha")
        mentee = make_mentee(nemba, name="Aline Uwase")
        assign(mentor, mentee, start=date(2026, 1, 5))
        make_user("mentor", mentor=mentor, username="mentor.alpha")
        make_user("hospital_admin", hospital=byumba, username="admin.byumba")
        make_user("hospital_admin", hospital=nemba, username="admin.nemba")
        yield {"mentee": mentee, "byumba": byumba, "ruli": ruli, "maternity": department("maternity")}


def post_transfer(client, world, hospital, on: date):
    return client.post(f"/mentees/{world['mentee'].id}/transfer", data={
        "kind": "hospital", "effective_date": on.isoformat(), "to_hospital_id": hospital.id,
        "to_department_id": world["maternity"].id})


def pending(world) -> list[tuple[int, date]]:
    return [(t.to_hospital_id, t.effective_date) for t in db.session.scalars(
        select(Transfer).where(Transfer.mentee_id == world["mentee"].id, Transfer.applied_at.is_(None),
                               Transfer.cancelled_at.is_(None)))]


def test_the_same_future_transfer_posted_twice_is_logged_and_told_once(client, world):
    login(client, "admin.nemba")
    assert post_transfer(client, world, world["byumba"], date(2026, 6, 1)).status_code == 302
    again = post_transfer(client, world, world["byumba"], date(2026, 6, 1))
    assert again.status_code == 422
    assert pending(world) == [(world["byumba"].id, date(2026, 6, 1))]
    assert db.session.scalar(select(func.count(Notification.id))) == 2  # the mentor and Byumba's administrator
    field = re.search(r'<div class="field[^"]*has-error[^"]*">(?:(?!</div>).)*effective_date(?:(?!</div>).)*</div>',
                      again.get_data(as_text=True), re.S)
    assert field, "the refusal sits next to the effective date"
    assert "One move at a time: Aline Uwase moves from Nemba (Maternity) to Byumba (Maternity) on 1 Jun 2026." in field.group(0)


def test_another_future_transfer_waits_until_the_pending_one_is_cancelled(client, world):
    login(client, "admin.nemba")
    post_transfer(client, world, world["byumba"], date(2026, 6, 1))
    assert post_transfer(client, world, world["ruli"], date(2026, 6, 15)).status_code == 422
    [first] = db.session.scalars(select(Transfer.id)).all()
    assert client.post(f"/transfers/{first}/cancel").status_code == 302
    assert post_transfer(client, world, world["ruli"], date(2026, 6, 15)).status_code == 302
    assert pending(world) == [(world["ruli"].id, date(2026, 6, 15))]


def test_the_database_refuses_a_second_pending_transfer_for_a_mentee(world):
    for on in (date(2026, 6, 1), date(2026, 6, 8)):
        db.session.add(Transfer(mentee_id=world["mentee"].id, kind="out_of_programme", effective_date=on))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
