"""equipment status: one maintained row per hospital and item (the gap matrix reads it)

Revision ID: 5a7e1c0d9b21
Revises: a7e3c5d2f114
Create Date: 2026-11-26 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5a7e1c0d9b21'
down_revision = 'a7e3c5d2f114'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('equipment_status',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hospital_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('required', sa.Integer(), nullable=False),
    sa.Column('available', sa.Integer(), nullable=False),
    sa.Column('functional', sa.Integer(), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('gap_since', sa.Date(), nullable=True),
    sa.Column('gap_checks', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['hospital_id'], ['hospital.id'], name=op.f('fk_equipment_status_hospital_id_hospital'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['equipment_item.id'], name=op.f('fk_equipment_status_item_id_equipment_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment_status')),
    sa.UniqueConstraint('hospital_id', 'item_id', name=op.f('uq_equipment_status_hospital_id_item_id'))
    )
    with op.batch_alter_table('equipment_status', schema=None) as batch_op:
        batch_op.create_index('ix_equipment_status_item', ['item_id'], unique=False)
    # Filled from the counts already there (plain SQL, so this migration never depends on later app code):
    # the last count of each item at each hospital, and since when / over how many checks it has been short.
    op.execute(FILL)


FILL = """
INSERT INTO equipment_status (hospital_id, item_id, required, available, functional, checked_on, gap_since, gap_checks)
WITH counted AS (
    SELECT c.hospital_id, n.item_id, c.check_date, n.available, n.functional,
           COALESCE(m.required_quantity, i.required_quantity) AS required,
           ROW_NUMBER() OVER (PARTITION BY c.hospital_id, n.item_id ORDER BY c.check_date DESC, c.id DESC) AS rn
    FROM equipment_count n
    JOIN equipment_check c ON c.id = n.check_id
    JOIN equipment_item i ON i.id = n.item_id
    LEFT JOIN equipment_norm m ON m.item_id = n.item_id AND m.hospital_id = c.hospital_id
), runs AS (
    SELECT hospital_id, item_id, COALESCE(MIN(CASE WHEN functional >= required THEN rn END) - 1, COUNT(*)) AS run
    FROM counted GROUP BY hospital_id, item_id
)
SELECT cur.hospital_id, cur.item_id, cur.required, cur.available, cur.functional, cur.check_date,
       CASE WHEN runs.run > 0 THEN st.check_date END, runs.run
FROM counted cur
JOIN runs ON runs.hospital_id = cur.hospital_id AND runs.item_id = cur.item_id
LEFT JOIN counted st ON st.hospital_id = cur.hospital_id AND st.item_id = cur.item_id AND st.rn = runs.run
WHERE cur.rn = 1
"""


def downgrade():
    with op.batch_alter_table('equipment_status', schema=None) as batch_op:
        batch_op.drop_index('ix_equipment_status_item')

    op.drop_table('equipment_status')
