"""The maintained status (one row per hospital and item) that the gap matrix reads: after every kind of change
it equals what five years of counts say, whoever made the change."""

import importlib.util
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from blueprints.core.extensions import db
from blueprints.equipment import gap_matrix, queries, services
from blueprints.equipment.gaps import Cell
from blueprints.equipment.models import EquipmentCheck, EquipmentCount, EquipmentStatus
from blueprints.equipment.status import refresh_status
from tests.equipment.helpers import item, make_check, world

START = date(2025, 1, 6)


@pytest.fixture
def w():
    return world()


def status() -> dict[tuple[int, int], Cell]:
    db.session.flush()
    return {(s.hospital_id, s.item_id): Cell(required=s.required, available=s.available, functional=s.functional,
                                             checked_on=s.checked_on, gap_since=s.gap_since, gap_checks=s.gap_checks)
            for s in db.session.scalars(select(EquipmentStatus))}


def assert_consistent() -> None:
    assert status() == gap_matrix.cells_from_counts()


def test_the_status_follows_counts_saved_checks_completed_norms_and_required_quantities(w):
    cpap, oxygen = item("Bubble CPAP"), item("Oxygen concentrator")
    make_check(w["nemba"], START, {"Bubble CPAP": (2, 2), "Oxygen concentrator": (1, 1)})
    make_check(w["nemba"], START + timedelta(days=60), {"Bubble CPAP": (1, 0)})
    make_check(w["byumba"], START, {"Bubble CPAP": (1, 1)})
    assert_consistent()
    assert status()[(w["nemba"].id, cpap.id)].gap_since == START + timedelta(days=60)

    check = services.start_check(w["nemba"], START + timedelta(days=120), by=w["admin"])
    services.save_count(check, cpap, available=2, functional=0, reason="broken", note="", version=0, by=w["admin"])
    assert_consistent()
    assert status()[(w["nemba"].id, cpap.id)].gap_checks == 2
    row = queries.check_rows(check.id)[cpap.id]
    services.save_count(check, cpap, available=2, functional=2, reason=None, note="", version=row.version, by=w["admin"])
    assert_consistent()
    assert status()[(w["nemba"].id, cpap.id)].gap_since is None

    services.complete_check(check, by=w["admin"])  # copies the oxygen concentrator's last numbers into this check
    assert_consistent()
    assert status()[(w["nemba"].id, oxygen.id)].checked_on == START + timedelta(days=120)

    services.set_norm(cpap, w["nemba"], 4)  # two working CPAPs are now short of the hospital's norm
    assert_consistent()
    assert status()[(w["nemba"].id, cpap.id)].required == 4
    services.set_norm(cpap, w["nemba"], None)
    assert_consistent()

    services.update_item(oxygen, required_quantity=3)  # every hospital's oxygen concentrator is now short
    assert_consistent()
    assert status()[(w["nemba"].id, oxygen.id)].gap_checks == 2


def test_the_status_follows_a_check_moved_to_another_date_or_deleted(w):
    first = make_check(w["nemba"], START, {"Bubble CPAP": (1, 0)})
    second = make_check(w["nemba"], START + timedelta(days=60), {"Bubble CPAP": (1, 1)})
    cpap = item("Bubble CPAP")
    assert status()[(w["nemba"].id, cpap.id)].functional == 1

    first.check_date = START + timedelta(days=90)  # now the newest
    assert_consistent()
    assert status()[(w["nemba"].id, cpap.id)].functional == 0

    db.session.delete(first)
    db.session.flush()
    db.session.execute(EquipmentCount.__table__.delete().where(EquipmentCount.check_id == first.id))  # SQLite without cascade
    refresh_status([w["nemba"].id])
    assert_consistent()
    db.session.delete(db.session.get(EquipmentCheck, second.id))
    db.session.flush()
    refresh_status([w["nemba"].id])
    assert (w["nemba"].id, cpap.id) not in status()


def test_refresh_status_rebuilds_every_row_after_bulk_inserts(w):
    make_check(w["nemba"], START, {"Bubble CPAP": (1, 0), "Pulse oximeter": (2, 1)})
    db.session.execute(EquipmentStatus.__table__.delete())
    assert status() == {}
    refresh_status()
    assert_consistent()
    assert len(status()) == 2


def test_the_migration_fills_the_status_from_existing_counts_like_the_app_does(w):
    """Its plain SQL gives the same rows as the app's own computation (gap start and length included)."""
    for n, functional in enumerate((2, 0, 1, 0)):
        make_check(w["nemba"], START + timedelta(days=60 * n), {"Bubble CPAP": (2, functional), "Pulse oximeter": (1, 1)})
    services.set_norm(item("Pulse oximeter"), w["nemba"], 3)
    expected = status()
    path = next(Path("migrations/versions").glob("*_equipment_status_one_row_per_hospital_item.py"))
    spec = importlib.util.spec_from_file_location("status_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    db.session.execute(EquipmentStatus.__table__.delete())
    db.session.execute(db.text(migration.FILL))
    assert status() == expected == gap_matrix.cells_from_counts()


def test_the_hospital_page_reads_every_count_of_each_item_oldest_first_and_its_cell_from_the_status(w):
    """The hospital page reads its cells from the status rows and its trend lines from counts grouped per check
    in SQL ("item:functional,…" per check): both must say what the counts say, on SQLite and PostgreSQL."""
    cpap, oxygen = item("Bubble CPAP"), item("Oxygen concentrator")
    make_check(w["nemba"], START, {"Bubble CPAP": (2, 2), "Oxygen concentrator": (1, 1)})
    make_check(w["nemba"], START + timedelta(days=60), {"Bubble CPAP": (3, 0)})
    make_check(w["nemba"], START + timedelta(days=60), {"Bubble CPAP": (12, 11), "Oxygen concentrator": (1, 0)})  # same day: id order
    make_check(w["byumba"], START + timedelta(days=90), {"Bubble CPAP": (1, 1)})
    services.set_norm(cpap, w["nemba"], 12)
    db.session.flush()

    history = queries.hospital_history(w["nemba"].id)
    assert queries.hospital_trends(w["nemba"].id) == {
        item_id: [(on, functional) for on, _available, functional, *_rest in reversed(rows)] for item_id, rows in history.items()}
    assert queries.hospital_trends(w["nemba"].id)[cpap.id] == [(START, 2), (START + timedelta(days=60), 0), (START + timedelta(days=60), 11)]

    expected = gap_matrix.cells_from_counts([w["nemba"].id])
    rows = {row.id: row for row in queries.hospital_items(w["nemba"].id)}
    for item_id in (cpap.id, oxygen.id):
        row = rows[item_id]
        assert Cell(row.required, row.available, row.functional, row.checked_on, row.gap_since, row.gap_checks) == expected[(w["nemba"].id, item_id)]
    assert rows[cpap.id].required == 12 and rows[cpap.id].gap_checks == 3 and rows[cpap.id].gap_since == START
    never = next(row for row in rows.values() if row.id not in (cpap.id, oxygen.id))
    assert never.functional is None and never.checked_on is None
