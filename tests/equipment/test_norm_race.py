"""A hospital's norm for an item set by several requests at once (two coordinators, a double click): the norm's unique
index keeps one row, every request is answered (the norm saved), never a 500."""

from collections import Counter

from sqlalchemy import select

from blueprints.core.extensions import db
from blueprints.equipment.models import EquipmentNorm
from tests.equipment.helpers import item, world
from tests.factories import make_user
from tests.live import Client, fire

PARALLEL = 8


def test_a_norm_set_in_parallel_for_one_hospital_and_item_keeps_one_row_and_answers_every_request(live):
    w = world()
    make_user("coordinator", username="coord.norms")
    cpap = item("Bubble CPAP")
    cpap_id, nemba_id = cpap.id, w["nemba"].id
    db.session.commit()
    client = Client(live, "coord.norms")
    answers = fire(PARALLEL, lambda i: client.post(f"/equipment/catalogue/{cpap_id}/norms",
                                                   {"hospital_id": nemba_id, "required_quantity": 3 + i}))
    statuses = Counter(a.status for a in answers)
    assert statuses == {302: PARALLEL}, statuses
    rows = db.session.execute(select(EquipmentNorm.required_quantity)
                              .where(EquipmentNorm.hospital_id == nemba_id, EquipmentNorm.item_id == cpap_id)).scalars().all()
    assert len(rows) == 1 and rows[0] in range(3, 3 + PARALLEL), rows
