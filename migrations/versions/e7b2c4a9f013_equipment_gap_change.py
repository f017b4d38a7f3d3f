"""equipment gap changes: the days each hospital-item pair's gap began or ended, kept with the status rows (the
gap report's trend reads them instead of five years of counts; issues 23 and 25)

Revision ID: e7b2c4a9f013
Revises: d5a1f3b8c260
Create Date: 2026-12-04 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7b2c4a9f013'
down_revision = 'd5a1f3b8c260'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('equipment_gap_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hospital_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.Column('delta', sa.Integer(), nullable=False),
    sa.CheckConstraint('delta BETWEEN -1 AND 1', name=op.f('ck_equipment_gap_change_delta_one_step')),
    sa.ForeignKeyConstraint(['hospital_id'], ['hospital.id'], name=op.f('fk_equipment_gap_change_hospital_id_hospital'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['equipment_item.id'], name=op.f('fk_equipment_gap_change_item_id_equipment_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment_gap_change')),
    sa.UniqueConstraint('hospital_id', 'item_id', 'changed_on', name=op.f('uq_equipment_gap_change_hospital_id_item_id_changed_on'))
    )
    with op.batch_alter_table('equipment_gap_change', schema=None) as batch_op:
        batch_op.create_index('ix_equipment_gap_change_item', ['item_id', 'changed_on', 'delta', 'hospital_id'], unique=False)
    # Filled from the counts already there (plain SQL, so this migration never depends on later app code).
    op.execute(FILL)


# Each count against the pair's count before it (in check date and id order); the days where the gap state
# changed, summed per day: +1 a gap began, -1 it ended, 0 a first count without a gap (or a gap gone the same day).
FILL = """
INSERT INTO equipment_gap_change (hospital_id, item_id, changed_on, delta)
SELECT hospital_id, item_id, check_date, SUM(gapped - COALESCE(gapped_before, 0))
FROM (
    SELECT c.hospital_id, n.item_id, c.check_date,
           CASE WHEN n.functional < COALESCE(m.required_quantity, i.required_quantity) THEN 1 ELSE 0 END AS gapped,
           LAG(CASE WHEN n.functional < COALESCE(m.required_quantity, i.required_quantity) THEN 1 ELSE 0 END)
               OVER (PARTITION BY c.hospital_id, n.item_id ORDER BY c.check_date, c.id) AS gapped_before
    FROM equipment_count n
    JOIN equipment_check c ON c.id = n.check_id
    JOIN equipment_item i ON i.id = n.item_id
    LEFT JOIN equipment_norm m ON m.item_id = n.item_id AND m.hospital_id = c.hospital_id
) counted
WHERE gapped_before IS NULL OR gapped_before <> gapped
GROUP BY hospital_id, item_id, check_date
"""


def downgrade():
    with op.batch_alter_table('equipment_gap_change', schema=None) as batch_op:
        batch_op.drop_index('ix_equipment_gap_change_item')

    op.drop_table('equipment_gap_change')
