"""one pending transfer per mentee, one open date-only equipment check per hospital and date (partial unique indexes)

Revision ID: 7c4e2b9a1f30
Revises: b7d3f0a2c915
Create Date: 2026-12-03 09:00:00.000000

Rows that parallel requests doubled before these indexes existed are resolved first, so the indexes can be built:
- a mentee's extra pending transfers are cancelled (kept in their history, marked cancelled, with an audit row
  saying why): the one taking effect first stays; an administrator can log the next move once it has happened;
- a hospital's extra open date-only checks of one date are merged into the first one opened: counts of items only
  they have move to it, and for an item counted in several, the last check's numbers win (those are the ones the
  gap matrix has been showing); then the emptied duplicates are deleted and the gap statuses rebuilt from the counts.
"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import context, op

# revision identifiers, used by Alembic.
revision = '7c4e2b9a1f30'
down_revision = 'b7d3f0a2c915'
branch_labels = None
depends_on = None

PENDING = "applied_at IS NULL AND cancelled_at IS NULL"
OPEN_DATED = "visit_id IS NULL AND completed_at IS NULL"


def upgrade():
    connection = op.get_bind()
    cancel_extra_pending_transfers(connection)
    merge_duplicate_open_checks(connection)
    with op.batch_alter_table('transfer', schema=None) as batch_op:
        batch_op.create_index('uq_transfer_pending_mentee', ['mentee_id'], unique=True,
                              sqlite_where=sa.text(PENDING), postgresql_where=sa.text(PENDING))
    with op.batch_alter_table('equipment_check', schema=None) as batch_op:
        batch_op.create_index('uq_equipment_check_open_dated', ['hospital_id', 'check_date'], unique=True,
                              sqlite_where=sa.text(OPEN_DATED), postgresql_where=sa.text(OPEN_DATED))


def downgrade():
    with op.batch_alter_table('equipment_check', schema=None) as batch_op:
        batch_op.drop_index('uq_equipment_check_open_dated')
    with op.batch_alter_table('transfer', schema=None) as batch_op:
        batch_op.drop_index('uq_transfer_pending_mentee')


def cancel_extra_pending_transfers(connection) -> None:
    rows = connection.execute(sa.text(
        f"SELECT id, mentee_id, from_hospital_id FROM transfer WHERE {PENDING} ORDER BY mentee_id, effective_date, id")).all()
    kept: set[int] = set()
    now = datetime.now(timezone.utc).replace(tzinfo=None)  # stored as naive UTC, as UTCDateTime does
    for transfer_id, mentee_id, hospital_id in rows:
        if mentee_id not in kept:
            kept.add(mentee_id)
            continue
        connection.execute(sa.text("UPDATE transfer SET cancelled_at = :now WHERE id = :id"), {"now": now, "id": transfer_id})
        connection.execute(sa.text(
            "INSERT INTO audit_event (at, username, action, object_type, object_id, hospital_id, summary, ip) "
            "VALUES (:now, 'migration', 'transfer.cancel', 'transfer', :id, :hospital_id, :summary, '')"),
            {"now": now, "id": transfer_id, "hospital_id": hospital_id,
             "summary": "Cancelled when upgrading: a mentee has one pending move at a time, and an earlier one was pending"})


def merge_duplicate_open_checks(connection) -> None:
    checks = connection.execute(sa.text(
        f"SELECT id, hospital_id, check_date FROM equipment_check WHERE {OPEN_DATED} ORDER BY hospital_id, check_date, id")).all()
    keeper_of: dict[tuple, int] = {}
    merged = False
    for check_id, hospital_id, check_date in checks:
        keeper = keeper_of.setdefault((hospital_id, check_date), check_id)
        if keeper == check_id:
            continue
        merged = True
        counts = connection.execute(sa.text(
            "SELECT id, item_id, available, functional, reason, note, updated_at, updated_by_id FROM equipment_count "
            "WHERE check_id = :id"), {"id": check_id}).mappings().all()
        for count in counts:
            params = {**count, "keeper": keeper}
            updated = connection.execute(sa.text(
                "UPDATE equipment_count SET available = :available, functional = :functional, reason = :reason, note = :note, "
                "updated_at = :updated_at, updated_by_id = :updated_by_id, version = version + 1 "
                "WHERE check_id = :keeper AND item_id = :item_id"), params).rowcount
            if updated:
                connection.execute(sa.text("DELETE FROM equipment_count WHERE id = :id"), params)
            else:
                connection.execute(sa.text("UPDATE equipment_count SET check_id = :keeper WHERE id = :id"), params)
        connection.execute(sa.text("DELETE FROM equipment_check WHERE id = :id"), {"id": check_id})
    if merged:  # the gap statuses are derived from the counts: build them again (the previous migration's query)
        fill = context.script.get_revision('5a7e1c0d9b21').module.FILL
        connection.execute(sa.text("DELETE FROM equipment_status"))
        connection.execute(sa.text(fill))
