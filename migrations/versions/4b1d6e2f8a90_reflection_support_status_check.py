"""a reflection's support status is one of SupportStatus's values (a CHECK constraint, as every other status column has)

Revision ID: 4b1d6e2f8a90
Revises: 3e8a5c1d7b42
Create Date: 2026-12-03 15:40:00.000000

Every row already holds one of them: the column is written only through the SupportStatus enum.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '4b1d6e2f8a90'
down_revision = '3e8a5c1d7b42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reflection', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_reflection_support_status'),
                                         "support_status IN ('open', 'in_progress', 'resolved')")


def downgrade():
    with op.batch_alter_table('reflection', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_reflection_support_status'), type_='check')
