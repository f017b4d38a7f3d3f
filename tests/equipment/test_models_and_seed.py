"""The equipment schema holds its own rules, and the default catalogue seeds once with its critical items."""

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from blueprints.core.extensions import db
from blueprints.defaults import seed_defaults
from blueprints.equipment.models import EquipmentCheck, EquipmentCount, EquipmentItem
from tests.factories import make_hospital


def test_seeding_the_catalogue_twice_adds_each_item_once():
    seed_defaults()
    first = db.session.scalar(select(func.count(EquipmentItem.id)))
    seed_defaults()
    assert db.session.scalar(select(func.count(EquipmentItem.id))) == first >= 45


def test_seeding_keeps_a_coordinators_edits():
    seed_defaults()
    cpap = db.session.scalar(select(EquipmentItem).where(EquipmentItem.name == "Bubble CPAP"))
    cpap.required_quantity = 5
    db.session.flush()
    seed_defaults()
    assert db.session.get(EquipmentItem, cpap.id).required_quantity == 5


@pytest.mark.parametrize("name", [
    "Bubble CPAP", "Oxygen source", "Pulse oximeter", "Neonatal bag-valve-mask (masks 0 and 1)",
    "CTG / fetal monitor (labour monitor)", "Radiant warmer / resuscitaire",
])
def test_life_saving_items_are_seeded_as_critical(name):
    seed_defaults()
    assert db.session.scalar(select(EquipmentItem.critical).where(EquipmentItem.name == name)) is True


def test_the_database_refuses_more_functional_than_available():
    seed_defaults()
    item = db.session.scalar(select(EquipmentItem).limit(1))
    check = EquipmentCheck(hospital=make_hospital(), check_date=date(2026, 1, 1))
    db.session.add(check)
    db.session.flush()
    db.session.add(EquipmentCount(check_id=check.id, item_id=item.id, available=1, functional=2))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
