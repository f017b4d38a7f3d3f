"""One gap requested of the same addressee by several requests at once (a double click, two coordinators): the open
request's unique index keeps one, every other request is told next to the field that it is open, never a 500."""

from collections import Counter
from datetime import date

from sqlalchemy import select

from blueprints.core.extensions import db
from blueprints.equipment.models import EquipmentRequest
from tests.equipment.helpers import item, world
from tests.factories import make_user
from tests.live import Client, fire

PARALLEL = 8


def test_a_gap_requested_in_parallel_of_one_addressee_keeps_one_open_request_and_answers_every_request(live):
    w = world()
    make_user("coordinator", username="coord.requests")
    path = f"/equipment/hospitals/{w['nemba'].id}/items/{item('Bubble CPAP').id}/requests/new"
    db.session.commit()
    client = Client(live, "coord.requests")
    answers = fire(PARALLEL, lambda i: client.post(path, {"addressee": "ministry", "requested_on": "2026-06-01",
                                                          "reference": f"REF-{i}"}))
    statuses = Counter(a.status for a in answers)
    assert statuses == {302: 1, 422: PARALLEL - 1}, statuses
    assert all("A request to Ministry of Health for this item is open since 1 Jun 2026" in a.body
               for a in answers if a.status == 422)
    rows = db.session.execute(select(EquipmentRequest.requested_on, EquipmentRequest.outcome)).all()
    assert [tuple(r) for r in rows] == [(date(2026, 6, 1), None)]
