"""The maintained status: one row per hospital and item with its last count and gap, and the days its gap began or
ended, recomputed from the counts whenever a flush changes them, so the matrix and the hospital pages read one row a
cell and the report's trend a few rows a pair."""

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from ..core.extensions import db
from ..core.maintained import changed
from . import gap_matrix
from .models import EquipmentCheck, EquipmentCount, EquipmentGapChange, EquipmentItem, EquipmentNorm, EquipmentStatus


def refresh_status(hospital_ids=None, item_ids=None, session: Session | None = None) -> None:
    """Recompute the status rows and gap changes of these hospitals x items (all of them when None) from their counts.

    On PostgreSQL the items' rows are locked first (in id order), so two transactions saving counts of the
    same item wait for each other and the second recomputes from both counts, never from a stale read.
    """
    session = session or db.session
    if item_ids is not None:
        item_ids = sorted(set(item_ids))
        session.execute(select(EquipmentItem.id).where(EquipmentItem.id.in_(item_ids)).order_by(EquipmentItem.id).with_for_update())
    if hospital_ids is not None:
        hospital_ids = sorted(set(hospital_ids))
    cells = gap_matrix.cells_from_counts(hospital_ids, item_ids)
    changes = gap_matrix.gap_changes_from_counts(hospital_ids, item_ids)
    for table in (EquipmentStatus.__table__, EquipmentGapChange.__table__):
        stale = table.delete()
        if hospital_ids is not None:
            stale = stale.where(table.c.hospital_id.in_(hospital_ids))
        if item_ids is not None:
            stale = stale.where(table.c.item_id.in_(item_ids))
        session.execute(stale)
    if changes:
        session.execute(insert(EquipmentGapChange.__table__), [
            {"hospital_id": hospital_id, "item_id": item_id, "changed_on": day, "delta": delta}
            for (hospital_id, item_id, day), delta in sorted(changes.items())
        ])
    if cells:
        session.execute(insert(EquipmentStatus.__table__), [
            {"hospital_id": hospital_id, "item_id": item_id, "required": cell.required, "available": cell.available,
             "functional": cell.functional, "checked_on": cell.checked_on, "gap_since": cell.gap_since,
             "gap_checks": cell.gap_checks}
            for (hospital_id, item_id), cell in sorted(cells.items())
        ])


@event.listens_for(Session, "after_flush")
def _keep_status(session: Session, _context) -> None:
    """Whatever wrote them (a service, the demo data, a test's factory), flushed changes to counts, checks,
    norms or an item's required quantity refresh the status rows and gap changes they touch, in the same transaction."""
    touched = [obj for obj in (*session.new, *session.dirty, *session.deleted)
               if isinstance(obj, EquipmentCount | EquipmentCheck | EquipmentNorm | EquipmentItem)]
    if not touched:
        return
    by_hospital: dict[int, set[int] | None] = {}   # hospital id -> item ids (None: every item)
    whole_items: set[int] = set()                  # items to refresh at every hospital
    count_checks: dict[int, set[int]] = {}         # check id -> item ids

    def add(hospital_id, item_id=None):
        if hospital_id is None:
            return
        if item_id is None:
            by_hospital[hospital_id] = None
        elif by_hospital.get(hospital_id, set()) is not None:
            by_hospital.setdefault(hospital_id, set()).add(item_id)

    for obj in touched:
        deleted = obj in session.deleted
        if isinstance(obj, EquipmentCount):
            if obj in session.new or deleted or changed(obj, "available", "functional", "item_id", "check_id"):
                count_checks.setdefault(obj.check_id, set()).add(obj.item_id)
                for old in inspect(obj).attrs.item_id.history.deleted or ():
                    count_checks[obj.check_id].add(old)
        elif isinstance(obj, EquipmentCheck):
            if deleted or (obj not in session.new and changed(obj, "check_date", "hospital_id")):
                add(obj.hospital_id)
                for old in inspect(obj).attrs.hospital_id.history.deleted or ():
                    add(old)
        elif isinstance(obj, EquipmentNorm):
            add(obj.hospital_id, obj.item_id)
        elif isinstance(obj, EquipmentItem) and not deleted and obj not in session.new and changed(obj, "required_quantity"):
            whole_items.add(obj.id)
    if count_checks:
        hospital_of = dict(session.execute(
            select(EquipmentCheck.id, EquipmentCheck.hospital_id).where(EquipmentCheck.id.in_(list(count_checks)))).all())
        for check_id, item_ids in count_checks.items():
            for item_id in item_ids:
                add(hospital_of.get(check_id), item_id)
    if whole_items:
        refresh_status(None, whole_items, session)
    for hospital_id, item_ids in sorted(by_hospital.items()):
        if item_ids is None:
            refresh_status([hospital_id], None, session)
        elif item_ids - whole_items:
            refresh_status([hospital_id], item_ids - whole_items, session)
