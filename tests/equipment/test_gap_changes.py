"""The maintained gap changes (the days each hospital-item pair's gap began or ended) that the report's trend of
critical gaps reads: after every kind of change they equal what the counts say, whoever made the change."""

import importlib.util
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from blueprints.core.extensions import db
from blueprints.equipment import gap_matrix, queries, services
from blueprints.equipment.models import EquipmentCheck, EquipmentCount, EquipmentGapChange
from blueprints.equipment.status import refresh_status
from tests.equipment.helpers import item, make_check, world

START = date(2025, 1, 6)


@pytest.fixture
def w():
    return world()


def kept() -> dict[tuple[int, int, date], int]:
    db.session.flush()
    return {(c.hospital_id, c.item_id, c.changed_on): c.delta for c in db.session.scalars(select(EquipmentGapChange))}


def assert_consistent() -> None:
    assert kept() == gap_matrix.gap_changes_from_counts()


def of(w, hospital: str, name: str) -> dict[date, int]:
    """One pair's kept changes: {day: +1 / -1 / 0}."""
    hospital_id, item_id = w[hospital].id, item(name).id
    return {day: delta for (h, i, day), delta in kept().items() if (h, i) == (hospital_id, item_id)}


def test_the_gap_changes_are_the_days_a_gap_began_or_ended_and_each_pairs_first_count(w):
    day = [START + timedelta(days=30 * n) for n in range(6)]
    make_check(w["nemba"], day[0], {"Bubble CPAP": (2, 2), "Oxygen source": (0, 0)})  # CPAP needs 2, oxygen 1
    make_check(w["nemba"], day[1], {"Bubble CPAP": (2, 1)})            # gap begins
    make_check(w["nemba"], day[2], {"Bubble CPAP": (2, 0)})            # still short: no change
    make_check(w["nemba"], day[3], {"Bubble CPAP": (3, 2)})            # gap ends
    make_check(w["nemba"], day[4], {"Bubble CPAP": (2, 0)})            # two checks on one day: short, then mended
    make_check(w["nemba"], day[4], {"Bubble CPAP": (2, 2)})
    make_check(w["nemba"], day[5], {"Oxygen source": (2, 2)})    # the first count's gap ends
    assert of(w, "nemba", "Bubble CPAP") == {day[0]: 0, day[1]: 1, day[3]: -1, day[4]: 0}
    assert of(w, "nemba", "Oxygen source") == {day[0]: 1, day[5]: -1}
    assert_consistent()


def test_the_gap_changes_follow_saved_counts_conflicts_completed_checks_norms_and_required_quantities(w):
    cpap, oxygen = item("Bubble CPAP"), item("Oxygen source")
    make_check(w["nemba"], START, {"Bubble CPAP": (2, 2), "Oxygen source": (2, 2)})
    check = services.start_check(w["nemba"], START + timedelta(days=60), by=w["admin"])
    services.save_count(check, cpap, available=2, functional=0, reason="broken", note="", version=0, by=w["admin"])
    assert of(w, "nemba", "Bubble CPAP") == {START: 0, START + timedelta(days=60): 1}
    assert_consistent()

    stale = queries.check_rows(check.id)[cpap.id].version
    services.save_count(check, cpap, available=2, functional=1, reason="broken", note="", version=stale, by=w["mentor_a"])
    with pytest.raises(services.Conflict) as conflict:  # the administrator's form was loaded before the mentor's save
        services.save_count(check, cpap, available=2, functional=2, reason=None, note="", version=stale, by=w["admin"])
    assert_consistent()
    services.save_count(check, cpap, available=2, functional=2, reason=None, note="", version=conflict.value.row.version,
                        by=w["admin"])  # resolved: the administrator keeps their numbers over the mentor's
    assert of(w, "nemba", "Bubble CPAP") == {START: 0}
    assert_consistent()

    services.complete_check(check, by=w["admin"])  # copies the oxygen source's last numbers into this check
    assert_consistent()

    services.set_norm(cpap, w["nemba"], 4)  # two working CPAPs were short of the hospital's norm all along
    assert of(w, "nemba", "Bubble CPAP") == {START: 1}
    assert_consistent()
    services.set_norm(cpap, w["nemba"], None)
    assert_consistent()

    services.update_item(oxygen, required_quantity=3)  # every hospital's oxygen source is now short
    assert of(w, "nemba", "Oxygen source") == {START: 1}
    assert_consistent()


def test_the_gap_changes_follow_a_check_moved_to_another_date_or_deleted(w):
    first = make_check(w["nemba"], START, {"Bubble CPAP": (2, 0)})
    second = make_check(w["nemba"], START + timedelta(days=60), {"Bubble CPAP": (2, 2)})
    assert of(w, "nemba", "Bubble CPAP") == {START: 1, START + timedelta(days=60): -1}

    first.check_date = START + timedelta(days=90)  # now the newest: the pair began without a gap and then had one
    assert of(w, "nemba", "Bubble CPAP") == {START + timedelta(days=60): 0, START + timedelta(days=90): 1}
    assert_consistent()

    db.session.delete(first)  # undone
    db.session.flush()
    db.session.execute(EquipmentCount.__table__.delete().where(EquipmentCount.check_id == first.id))  # SQLite without cascade
    refresh_status([w["nemba"].id])
    assert of(w, "nemba", "Bubble CPAP") == {START + timedelta(days=60): 0}
    db.session.delete(db.session.get(EquipmentCheck, second.id))
    db.session.flush()
    refresh_status([w["nemba"].id])
    assert of(w, "nemba", "Bubble CPAP") == {}
    assert_consistent()


def test_the_migration_fills_the_gap_changes_from_existing_counts_like_the_app_does(w):
    """Its plain SQL gives the same rows as the app's own computation, on SQLite and PostgreSQL."""
    for n, functional in enumerate((2, 0, 0, 2, 1)):
        make_check(w["nemba"], START + timedelta(days=60 * n), {"Bubble CPAP": (2, functional), "Pulse oximeter": (2, 1)})
    make_check(w["nemba"], START + timedelta(days=240), {"Bubble CPAP": (2, 2)})  # the same day again, mended
    services.set_norm(item("Pulse oximeter"), w["nemba"], 3)
    make_check(w["byumba"], START, {"Bubble CPAP": (0, 0)})
    expected = kept()
    path = next(Path("migrations/versions").glob("*_equipment_gap_change.py"))
    spec = importlib.util.spec_from_file_location("gap_change_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    db.session.execute(EquipmentGapChange.__table__.delete())
    db.session.execute(db.text(migration.FILL))
    assert kept() == expected == gap_matrix.gap_changes_from_counts()
    assert len(expected) == 6


def _trend_from_counts(hospital_ids: set[int]) -> list[tuple[date, int]]:
    """The trend's changes worked out the long way: every critical count of these hospitals, in check order."""
    rows = db.session.execute(
        select(EquipmentCheck.hospital_id, EquipmentCount.item_id, EquipmentCheck.check_date, EquipmentCount.functional)
        .join(EquipmentCheck, EquipmentCheck.id == EquipmentCount.check_id)
        .order_by(EquipmentCheck.hospital_id, EquipmentCheck.check_date, EquipmentCheck.id)).all()
    required = {i.id: i for i in (item("Bubble CPAP"), item("Oxygen source"), item("Examination light"))}
    last: dict[tuple[int, int], int] = {}
    changes: dict[date, int] = {}
    for hospital_id, item_id, day, functional in rows:
        it = required[item_id]
        if hospital_id not in hospital_ids or not it.critical or it.retired:
            continue
        gapped = int(functional < it.required_quantity)
        before = last.get((hospital_id, item_id))
        if before != gapped:
            last[(hospital_id, item_id)] = gapped
            changes[day] = changes.get(day, 0) + gapped - (before or 0)
    return sorted(changes.items())


def test_the_reports_trend_of_critical_gaps_is_what_every_count_says_in_the_readers_scope(w):
    cpap, oxygen, light = item("Bubble CPAP"), item("Oxygen source"), item("Examination light")
    assert cpap.critical and oxygen.critical and not light.critical
    for n in range(8):
        make_check(w["nemba"], START + timedelta(days=45 * n),
                   {"Bubble CPAP": (2, 2 * (n % 3 // 2)), "Oxygen source": (2, n % 2 * 2), "Examination light": (2, 0)})
        make_check(w["byumba"], START + timedelta(days=20 + 60 * n), {"Bubble CPAP": (2, n % 2 * 2)})
    services.update_item(light, critical=True)  # now counted in the trend, its history included
    services.update_item(oxygen, retired=True)  # a retired item leaves the trend
    for reader, hospitals in ((w["coordinator"], {w["nemba"].id, w["byumba"].id}), (w["admin"], {w["nemba"].id})):
        changes = gap_matrix.critical_gap_changes(reader)
        assert changes == _trend_from_counts(hospitals)
        assert changes[0] == (START, 2)  # Nemba's CPAP and light short at its first check (Byumba counts later)
