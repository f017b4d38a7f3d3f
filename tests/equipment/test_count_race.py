"""One checklist row saved for the first time by several requests at once (two checkers, a double click): the row's
unique index keeps one, every other save is told someone saved it meanwhile (409, their numbers shown), never a 500."""

from collections import Counter

from sqlalchemy import select

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.equipment.models import EquipmentCount
from tests.equipment.helpers import item, make_check, world
from tests.factories import make_user
from tests.live import Client, fire

PARALLEL = 12


def test_a_checklist_rows_first_save_sent_in_parallel_keeps_one_row_and_answers_every_request(live):
    w = world()
    make_user("hospital_admin", hospital=w["nemba"], username="admin.nemba")
    check, cpap = make_check(w["nemba"], today(), {}, complete=False), item("Bubble CPAP")
    check_id, cpap_id, prefix = check.id, cpap.id, f"i{cpap.id}-"
    data = {prefix + "available": 2, prefix + "functional": 1, prefix + "reason": "broken", prefix + "note": "", prefix + "version": 0}
    db.session.commit()  # and nothing read after it: outside a request the test's session would BEGIN IMMEDIATE on SQLite
    client = Client(live, "admin.nemba")
    answers = fire(PARALLEL, lambda i: client.post(f"/equipment/checks/{check_id}/items/{cpap_id}", data,
                                                   headers={"HX-Request": "true"}))
    statuses = Counter(a.status for a in answers)
    assert set(statuses) <= {200, 409} and statuses[200] == 1, statuses
    assert all("saved this row meanwhile: 1 of 2 functional" in a.body for a in answers if a.status == 409)
    rows = db.session.execute(select(EquipmentCount.available, EquipmentCount.functional, EquipmentCount.reason)
                              .where(EquipmentCount.check_id == check_id, EquipmentCount.item_id == cpap_id)).all()
    assert [tuple(r) for r in rows] == [(2, 1, "broken")]
